import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateScenario } from '../src/scenario/generate';
import { type ReplayResult, SIMULATOR_TIMEOUT_MS, replay } from '../src/scenario/replay';
import { send } from '../src/testing/http-client';

/**
 * `npm run bench:api`: replays one generated simulator scenario, one request
 * at a time with `Connection: close`, against (c) a do-nothing node:http
 * server, (a) the API on PostgreSQL and (b) the API on the embedded
 * PostgreSQL — each server in its own process, all in this run — and prints
 * wall time, the ratio to (c), per-kind latency percentiles and errors.
 */
const { values: flags } = parseArgs({
  options: {
    actions: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    'database-url': {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});

const root = new URL('../..', import.meta.url).pathname;
const tsx = join(root, 'node_modules/.bin/tsx');

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(tsx, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') process.stderr.write(`server exited with ${code ?? signal}\n`);
  });
  return child;
}

async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
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

const PORT = { null: 5901, postgres: 5902, embedded: 5903, floor: 5904 };

async function runAgainst(label: string, port: number, child: ChildProcess, actions: Parameters<typeof replay>[1]) {
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url);
    // A short warm-up (JIT, pools) on the same routes, not measured.
    process.stderr.write(`running ${label}...\n`);
    return await replay(url, actions);
  } finally {
    await stop(child);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function report(label: string, result: ReplayResult, baseline?: ReplayResult): void {
  const ratio = baseline ? ` (${(result.wallMs / baseline.wallMs).toFixed(2)}× baseline)` : '';
  console.log(
    `\n${label}: wall ${(result.wallMs / 1000).toFixed(2)} s${ratio}, errors ${result.errors.length}, slower than ${SIMULATOR_TIMEOUT_MS} ms ${result.timeouts}`,
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

const scenario = generateScenario({ actions: Number(flags.actions), seed: Number(flags.seed) });
const counts = scenario.actions.reduce<Record<string, number>>(
  (acc, a) => ({ ...acc, [a.kind]: (acc[a.kind] ?? 0) + 1 }),
  {},
);
console.log(
  `scenario: ${scenario.actions.length} actions ${JSON.stringify(counts)}, one request at a time, Connection: close`,
);

const baseline = await runAgainst(
  '(c) do-nothing node:http',
  PORT.null,
  startProcess(['api/bench/null-server.ts', String(PORT.null)], {}),
  scenario.actions,
);
report('(c) do-nothing node:http server', baseline);

// (a) a fresh database on the PostgreSQL server; durable commits as configured there (synchronous_commit on).
const adminUrl = flags['database-url'] as string;
const dbName = `minitwit_bench_${randomBytes(4).toString('hex')}`;
let postgresAvailable = true;
const admin = new pg.Client({ connectionString: adminUrl });
try {
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
} catch (error) {
  postgresAvailable = false;
  console.log(`\n(a) SKIPPED: no PostgreSQL at ${adminUrl} (${(error as Error).message})`);
}
if (postgresAvailable) {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const api = startProcess(['api/src/main.ts'], {
    API_PORT: String(PORT.postgres),
    DATABASE_URL: url.toString(),
    LOG_LEVEL: 'warn',
  });
  const result = await runAgainst('(a) API on PostgreSQL', PORT.postgres, api, scenario.actions);
  report('(a) API on PostgreSQL', result, baseline);
  // For reading (a): bare node:http + pg, one durable statement per write, same database server.
  const floor = startProcess(['api/bench/floor-server.ts', String(PORT.floor), url.toString()], {});
  const floorResult = await runAgainst('(floor) node:http + pg', PORT.floor, floor, scenario.actions);
  report('(floor) bare node:http + pg, one durable statement per write, no hashing', floorResult, baseline);
  await admin.query(`drop database if exists "${dbName}" with (force)`);
}
await admin.end().catch(() => undefined);

const dataDir = await mkdtemp(join(tmpdir(), 'minitwit-bench-'));
const embedded = startProcess(['api/src/main.ts'], {
  API_PORT: String(PORT.embedded),
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  LOG_LEVEL: 'warn',
});
const embeddedResult = await runAgainst('(b) API on embedded PostgreSQL', PORT.embedded, embedded, scenario.actions);
report('(b) API on embedded PostgreSQL (PGlite)', embeddedResult, baseline);
await rm(dataDir, { recursive: true, force: true });
