import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type Action, generateScenario } from '../src/scenario/generate';
import { type ReplayResult, SIMULATOR_TIMEOUT_MS, replayInterleaved } from '../src/scenario/replay';
import { send } from '../src/testing/http-client';
import { freePort } from '@minitwit/monitoring/testing';
import { prepareServers, startApi, startBaseline } from './servers';

/**
 * `npm run bench:api` (after `npm run build`): replays one generated simulator
 * scenario, one request at a time with `Connection: close`, against (c) a
 * do-nothing node:http server, (a) the compiled API on PostgreSQL, (floor) a
 * bare node:http + pg server on the same PostgreSQL, and (b) the API on the
 * embedded PostgreSQL — each in its own process, all running at once, every
 * action sent to each of them in turn (the first rotating), so all four meet
 * the same machine load — and prints each one's total time (the sum of its
 * latencies), the ratios to the floor, per-kind percentiles and errors.
 * `--runs N` repeats the whole set and prints the spread of the ratios;
 * `--cpu-prof DIR` writes a CPU profile of each API process into DIR.
 */
const { values: flags } = parseArgs({
  options: {
    actions: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
    'skip-embedded': { type: 'boolean', default: false },
    'database-url': {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});

async function waitUntilUp(url: string): Promise<void> {
  // Up to 5 minutes: a cold PGlite start on a busy two-core machine is slow.
  for (let i = 0; i < 3000; i++) {
    try {
      if ((await send(url, { method: 'GET', path: '/latest' })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const p99 = (result: ReplayResult, kind: keyof ReplayResult['latenciesMs']) =>
  percentile(
    [...result.latenciesMs[kind]].sort((x, y) => x - y),
    99,
  );

function report(label: string, result: ReplayResult, baseline: ReplayResult, floor?: ReplayResult): void {
  const toFloor = floor ? `, ${(result.wallMs / floor.wallMs).toFixed(3)}× floor` : '';
  console.log(
    `\n${label}: wall ${(result.wallMs / 1000).toFixed(2)} s (${(result.wallMs / baseline.wallMs).toFixed(2)}× do-nothing${toFloor}), errors ${result.errors.length}, slower than ${SIMULATOR_TIMEOUT_MS} ms ${result.timeouts}`,
  );
  console.log('  kind        count     p50 ms   p99 ms   max ms');
  for (const [kind, latencies] of Object.entries(result.latenciesMs)) {
    const sorted = [...latencies].sort((x, y) => x - y);
    const cells = [50, 99, 100].map((p) => percentile(sorted, p).toFixed(2).padStart(8));
    console.log(`  ${kind.padEnd(10)} ${String(sorted.length).padStart(6)} ${cells.join(' ')}`);
  }
  for (const error of result.errors.slice(0, 5)) {
    console.log(`  error: ${error.action.kind} → ${error.status} ${error.body.slice(0, 120)}`);
  }
}

/**
 * Total time without the registrations. The floor stores no password hash; the API hashes each
 * password with argon2id at the OWASP minimum (~15–20 ms here, db/src/domain/passwords.ts), which no
 * honest server can skip. This shows how much of the ratio the API's own per-request layers cost.
 */
const wallWithoutRegistrations = (result: ReplayResult) =>
  result.wallMs - result.latenciesMs.register.reduce((sum, ms) => sum + ms, 0);

interface RunSummary {
  api: number;
  apiWithoutRegistrations: number;
  embedded: number;
  postP99: number;
  followP99: number;
  registerP99: number;
  errors: number;
}

async function oneRun(actions: readonly Action[], run: number): Promise<RunSummary | undefined> {
  const profileDir = flags['cpu-prof'];
  const PORT = {
    null: await freePort(),
    postgres: await freePort(),
    embedded: await freePort(),
    floor: await freePort(),
  };
  // A fresh database on the PostgreSQL server; durable commits as configured there (synchronous_commit on).
  const adminUrl = flags['database-url'] as string;
  const dbName = `minitwit_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`create database "${dbName}"`);
  } catch (error) {
    console.log(`\nSKIPPED: no PostgreSQL at ${adminUrl} (${(error as Error).message})`);
    await admin.end().catch(() => undefined);
    return undefined;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'minitwit-bench-'));
  const children: ChildProcess[] = [];
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    const targets: { label: string; port: number }[] = [];
    const add = (label: string, port: number, child: ChildProcess) => {
      children.push(child);
      targets.push({ label, port });
    };
    add('(c)', PORT.null, startBaseline('null', [String(PORT.null)]));
    add(
      '(a)',
      PORT.postgres,
      startApi(
        { API_PORT: String(PORT.postgres), API_INTERNAL_PORT: '0', DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' },
        profileDir,
      ),
    );
    // The floor: bare node:http + pg, one durable statement per write, on the same database server.
    add('(floor)', PORT.floor, startBaseline('floor', [String(PORT.floor), url.toString()]));
    if (!flags['skip-embedded']) {
      const env = {
        API_PORT: String(PORT.embedded),
        API_INTERNAL_PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
      };
      add('(b)', PORT.embedded, startApi(env, profileDir));
    }
    const urls = targets.map((target) => `http://127.0.0.1:${target.port}`);
    for (const target of urls) await waitUntilUp(target);
    process.stderr.write(
      `run ${run}: ${actions.length} actions, each sent to ${targets.map((t) => t.label).join(', ')} in turn...\n`,
    );
    const results = await replayInterleaved(urls, actions);
    const [baseline, api, floor, embedded] = results as [ReplayResult, ReplayResult, ReplayResult, ReplayResult?];
    report('(c) do-nothing node:http server', baseline, baseline);
    report('(floor) bare node:http + pg, one durable statement per write, no hashing', floor, baseline);
    report('(a) API on PostgreSQL (compiled)', api, baseline, floor);
    if (embedded) report('(b) API on embedded PostgreSQL (PGlite, compiled)', embedded, baseline, floor);
    const summary = {
      api: api.wallMs / floor.wallMs,
      apiWithoutRegistrations: wallWithoutRegistrations(api) / wallWithoutRegistrations(floor),
      embedded: embedded ? embedded.wallMs / floor.wallMs : NaN,
      postP99: p99(api, 'post') / p99(floor, 'post'),
      followP99: p99(api, 'follow') / p99(floor, 'follow'),
      registerP99: p99(api, 'register'),
      errors: api.errors.length + (embedded?.errors.length ?? 0),
    };
    console.log(
      `\nrun ${run}: (a) ${summary.api.toFixed(3)}× floor (target ≤ 1.2; ${summary.apiWithoutRegistrations.toFixed(3)}× without the registrations, whose password hashing the floor skips), post p99 ${summary.postP99.toFixed(2)}× and follow p99 ${summary.followP99.toFixed(2)}× the floor's (≤ 1.3), registration p99 ${summary.registerP99.toFixed(1)} ms (≤ 30), (b) ${summary.embedded.toFixed(3)}× floor (≤ 1.3), errors ${summary.errors}, load average now ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`,
    );
    return summary;
  } finally {
    await Promise.all(children.map(stop));
    await rm(dataDir, { recursive: true, force: true });
    await admin.query(`drop database if exists "${dbName}" with (force)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
}

await prepareServers();
const scenario = generateScenario({ actions: Number(flags.actions), seed: Number(flags.seed) });
const counts = scenario.actions.reduce<Record<string, number>>(
  (acc, a) => ({ ...acc, [a.kind]: (acc[a.kind] ?? 0) + 1 }),
  {},
);
console.log(
  `scenario: ${scenario.actions.length} actions ${JSON.stringify(counts)}, one request at a time, Connection: close`,
);
const summaries: RunSummary[] = [];
for (let run = 1; run <= Number(flags.runs); run++) {
  const summary = await oneRun(scenario.actions, run);
  if (summary) summaries.push(summary);
}
if (summaries.length > 1) {
  const spread = (pick: (s: RunSummary) => number, digits: number) => {
    const values = summaries.map(pick).sort((x, y) => x - y);
    return `${values[0]?.toFixed(digits)}–${values.at(-1)?.toFixed(digits)} (runs: ${summaries.map((s) => pick(s).toFixed(digits)).join(', ')})`;
  };
  console.log(`\nover ${summaries.length} runs:`);
  console.log(`  (a) / floor, wall:        ${spread((s) => s.api, 3)}`);
  console.log(`  the same, no registrations: ${spread((s) => s.apiWithoutRegistrations, 3)}`);
  console.log(`  post p99 / floor's:       ${spread((s) => s.postP99, 2)}`);
  console.log(`  follow p99 / floor's:     ${spread((s) => s.followP99, 2)}`);
  console.log(`  registration p99, ms:     ${spread((s) => s.registerP99, 1)}`);
  console.log(`  (b) / floor, wall:        ${spread((s) => s.embedded, 3)}`);
}
