import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type Action, generateScenario } from '../src/scenario/generate';
import { type ReplayResult, SIMULATOR_TIMEOUT_MS, replayInterleaved, toRequest } from '../src/scenario/replay';
import { send } from '../src/testing/http-client';
import { seededRandom } from '@minitwit/db/testing';
import { freePort } from '@minitwit/monitoring/testing';
import { type DurablePostgres, startDurablePostgres } from './durable-postgres';
import type { ClusterReady } from './replication-cluster';
import { prepareServers, startApi } from './servers';

/**
 * `npm run bench:replication` (after `npm run build`; root, with patroni, etcd,
 * haproxy and pgbackrest installed): the cost of the replicated database tier
 * (issue 17), in one run, on three databases side by side:
 *   single  one plain PostgreSQL 15 with a node's durability (durable-postgres.ts)
 *   async   a Patroni cluster through HAProxy, synchronous_mode off
 *   sync    a Patroni cluster through HAProxy, as configured (one synchronous standby)
 * each with the compiled API in front (its own process, default pool), and
 * prints (1) the simulator replay, every action sent to each API in turn
 * (replayInterleaved, one request at a time, Connection: close); (2) write
 * throughput: N concurrent writers posting through the API for a fixed time,
 * the targets taking turns in rounds; (3) the bare commit latency of a
 * one-row insert from one `pg` client, through HAProxy and straight to the
 * primary, the clients taking turns insert by insert. Turns are taken in a
 * fresh seeded order each time (see `shuffled`). Ratios are to single.
 * `--runs N` starts everything afresh N times and prints the spread.
 * The clusters run as MINITWIT_PGHA_INSTANCE 5 and 6 (`--instances`).
 */
const { values: flags } = parseArgs({
  options: {
    actions: { type: 'string', default: '4000' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '1' },
    writers: { type: 'string', default: '8,32' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    commits: { type: 'string', default: '2000' },
    instances: { type: 'string', default: '5,6' },
  },
});
const WRITERS = flags.writers.split(',').map(Number);
const ROUND_MS = Number(flags.seconds) * 1000;
const ROUNDS = Number(flags.rounds);
const COMMITS = Number(flags.commits);
const [ASYNC_INSTANCE, SYNC_INSTANCE] = flags.instances.split(',');

const TARGETS = ['single', 'async', 'sync'] as const;
type Target = (typeof TARGETS)[number];

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');

// ---------------------------------------------------------------- cleanup
/** Everything started and not yet stopped, newest last; Ctrl-C or a failure stops it all. */
const running = new Set<() => Promise<void>>();
function started(stop: () => Promise<void>): () => Promise<void> {
  const once = async () => {
    if (!running.delete(once)) return;
    await stop();
  };
  running.add(once);
  return once;
}
async function stopEverything(): Promise<void> {
  await Promise.all([...running].reverse().map((stop) => stop().catch(() => undefined)));
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the clusters, APIs and PostgreSQL...\n`);
    void stopEverything().finally(() => process.exit(130));
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

function startCluster(mode: 'sync' | 'async', instance: string): Promise<ClusterReady> {
  const child = fork(new URL('./replication-cluster.ts', import.meta.url).pathname, [mode], {
    env: { ...process.env, MINITWIT_PGHA_INSTANCE: instance },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The child disposes of its cluster on SIGTERM (kills every node, removes the namespaces).
  started(() => stopChild(child, 'SIGTERM', 60_000));
  return new Promise((resolve, reject) => {
    child.once('message', (message: ClusterReady | { error: string }) =>
      'error' in message ? reject(new Error(`${mode} cluster: ${message.error}`)) : resolve(message),
    );
    child.once('exit', (code) => reject(new Error(`${mode} cluster exited with ${code}`)));
  });
}

async function startDatabase(): Promise<DurablePostgres> {
  const db = await startDurablePostgres();
  started(db.dispose);
  return db;
}

async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await send(url, { method: 'GET', path: '/latest' })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

async function startApiOn(databaseUrl: string): Promise<string> {
  const port = await freePort();
  const child = startApi({
    API_PORT: String(port),
    API_INTERNAL_PORT: '0',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
  });
  started(() => stopChild(child, 'SIGTERM', 10_000));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url);
  return url;
}

// ---------------------------------------------------------------- order
/**
 * A fresh order of `items` for every step. Each target leaves work behind it on
 * the one shared disk (a cluster's standby flushes what an asynchronous commit
 * sent; checkpoints; WAL archiving), and a fixed cyclic order would make the
 * same target always pay for the same neighbour: measured so, a "direct"
 * client that always followed its own cluster's HAProxy client came out slower
 * than it. Seeded, so a run can be repeated.
 */
const random = seededRandom(Number(flags.seed));
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** replayInterleaved, one action at a time, the targets in a fresh order for each action. */
async function replayShuffled(urls: readonly string[], actions: readonly Action[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = urls.map(() => ({
    wallMs: 0,
    latenciesMs: { register: [], post: [], follow: [], unfollow: [] },
    errors: [],
    timeouts: 0,
  }));
  const indexes = urls.map((_, i) => i);
  for (const action of actions) {
    const order = shuffled(indexes);
    const answers = await replayInterleaved(
      order.map((i) => urls[i] as string),
      [action],
    );
    for (const [k, i] of order.entries()) {
      const answer = answers[k] as ReplayResult;
      const result = results[i] as ReplayResult;
      result.wallMs += answer.wallMs;
      result.latenciesMs[action.kind].push(...answer.latenciesMs[action.kind]);
      result.errors.push(...answer.errors);
      result.timeouts += answer.timeouts;
    }
  }
  return results;
}

// ---------------------------------------------------------------- figures
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
const sortedCopy = (values: readonly number[]) => [...values].sort((x, y) => x - y);
const fmt = (value: number, digits = 2) => value.toFixed(digits);

/** One run's figures by name, in print order; `--runs N` prints each one's spread. */
type Summary = Map<string, number>;

function reportReplay(results: Record<Target, ReplayResult>, summary: Summary): void {
  const single = results.single;
  for (const target of TARGETS) {
    const result = results[target];
    const ratio = target === 'single' ? '' : ` (${fmt(result.wallMs / single.wallMs, 3)}× single)`;
    console.log(
      `\n${target}: total ${fmt(result.wallMs / 1000)} s${ratio}, errors ${result.errors.length}, slower than ${SIMULATOR_TIMEOUT_MS} ms ${result.timeouts}`,
    );
    console.log('  kind        count     p50 ms   p99 ms   max ms   p50/single p99/single');
    for (const [kind, latencies] of Object.entries(result.latenciesMs) as [Action['kind'], number[]][]) {
      const sorted = sortedCopy(latencies);
      const base = sortedCopy(single.latenciesMs[kind]);
      const cells = [50, 99, 100].map((p) => fmt(percentile(sorted, p)).padStart(8));
      const ratios =
        target === 'single'
          ? ''
          : [50, 99].map((p) => `${fmt(percentile(sorted, p) / percentile(base, p))}×`.padStart(10)).join(' ');
      console.log(`  ${kind.padEnd(10)} ${String(sorted.length).padStart(6)} ${cells.join(' ')}   ${ratios}`);
      if (target !== 'single' && kind !== 'register') {
        summary.set(`replay ${kind} p50, ${target} / single`, percentile(sorted, 50) / percentile(base, 50));
        summary.set(`replay ${kind} p99, ${target} / single`, percentile(sorted, 99) / percentile(base, 99));
      }
    }
    for (const error of result.errors.slice(0, 3)) {
      console.log(`  error: ${error.action.kind} → ${error.status} ${error.body.slice(0, 120)}`);
    }
    summary.set(`replay total s, ${target}`, result.wallMs / 1000);
    if (target !== 'single') summary.set(`replay total, ${target} / single`, result.wallMs / single.wallMs);
    summary.set(`replay errors + slower than 0.3 s, ${target}`, result.errors.length + result.timeouts);
  }
  summary.set('replay total, sync / async', results.sync.wallMs / results.async.wallMs);
}

interface Throughput {
  commits: number;
  errors: number;
  ms: number;
  latencies: number[];
}

/** `users.length` writers, each posting one message at a time until `ms` is up. */
async function writeFor(url: string, users: readonly string[], ms: number, latest: { n: number }): Promise<Throughput> {
  const out: Throughput = { commits: 0, errors: 0, ms: 0, latencies: [] };
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    users.map(async (username) => {
      while (performance.now() < end) {
        const n = ++latest.n;
        const sent = performance.now();
        try {
          const answer = await send(url, toRequest({ kind: 'post', latest: n, username, content: `write ${n}` }));
          out.latencies.push(performance.now() - sent);
          if (answer.status === 204) out.commits++;
          else out.errors++;
        } catch {
          out.errors++;
        }
      }
    }),
  );
  out.ms = performance.now() - start;
  return out;
}

async function throughput(apis: Record<Target, string>, summary: Summary): Promise<void> {
  const users = Array.from({ length: Math.max(...WRITERS) }, (_, i) => `writer ${i}`);
  for (const target of TARGETS) {
    for (const username of users) {
      const answer = await send(apis[target], {
        method: 'POST',
        path: '/register',
        headers: toRequest({ kind: 'post', latest: 0, username, content: '' }).headers ?? {},
        body: { username, email: `${username.replace(' ', '')}@example.com`, pwd: 'writer' },
      });
      if (answer.status !== 204)
        throw new Error(`registering ${username} on ${target}: ${answer.status} ${answer.text}`);
    }
  }
  const latest = { n: 10_000_000 };
  for (const writers of WRITERS) {
    const totals = Object.fromEntries(
      TARGETS.map((t) => [t, { commits: 0, errors: 0, ms: 0, latencies: [] as number[] }]),
    ) as Record<Target, Throughput>;
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of shuffled(TARGETS)) {
        const result = await writeFor(apis[target], users.slice(0, writers), ROUND_MS, latest);
        const total = totals[target];
        total.commits += result.commits;
        total.errors += result.errors;
        total.ms += result.ms;
        total.latencies.push(...result.latencies);
      }
    }
    console.log(
      `\n${writers} writers, ${ROUNDS} rounds × ${ROUND_MS / 1000} s per target (load average now ${load()}):`,
    );
    console.log('  target    commits/s  ×single   p50 ms   p99 ms   max ms  errors');
    const base = totals.single;
    const baseRate = base.commits / (base.ms / 1000);
    const baseSorted = sortedCopy(base.latencies);
    for (const target of TARGETS) {
      const total = totals[target];
      const rate = total.commits / (total.ms / 1000);
      const sorted = sortedCopy(total.latencies);
      console.log(
        `  ${target.padEnd(8)} ${fmt(rate, 0).padStart(10)} ${fmt(rate / baseRate).padStart(8)} ${[50, 99, 100]
          .map((p) => fmt(percentile(sorted, p)).padStart(8))
          .join(' ')} ${String(total.errors).padStart(7)}`,
      );
      summary.set(`${writers} writers commits/s, ${target}`, rate);
      summary.set(`${writers} writers p99 ms, ${target}`, percentile(sorted, 99));
      if (target !== 'single') {
        summary.set(`${writers} writers commits/s, ${target} / single`, rate / baseRate);
        summary.set(`${writers} writers p50, ${target} / single`, percentile(sorted, 50) / percentile(baseSorted, 50));
        summary.set(`${writers} writers p99, ${target} / single`, percentile(sorted, 99) / percentile(baseSorted, 99));
      }
      summary.set(`${writers} writers errors, ${target}`, total.errors);
    }
  }
}

async function commitLatency(urls: Record<string, string>, summary: Summary): Promise<void> {
  const clients = Object.entries(urls).map(([label, url]) => ({
    label,
    client: new pg.Client({ connectionString: url }),
    latencies: [] as number[],
  }));
  try {
    for (const { client } of clients) {
      client.on('error', () => undefined);
      await client.connect();
      await client.query('create table if not exists bench_commit (id bigserial primary key, body text not null)');
    }
    for (let i = 0; i < COMMITS; i++) {
      for (const entry of shuffled(clients)) {
        const sent = performance.now();
        await entry.client.query('insert into bench_commit (body) values ($1)', [`commit ${i}`]);
        entry.latencies.push(performance.now() - sent);
      }
    }
  } finally {
    await Promise.all(clients.map(({ client }) => client.end().catch(() => undefined)));
  }
  console.log(
    `\none-row insert, autocommit, one client each, ${COMMITS} commits, taking turns (load average now ${load()}):`,
  );
  console.log('  client            mean ms   p50 ms   p99 ms   max ms  p50/single');
  const single = sortedCopy(clients[0]?.latencies ?? []);
  for (const { label, latencies } of clients) {
    const sorted = sortedCopy(latencies);
    const mean = latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length;
    const ratio = percentile(sorted, 50) / percentile(single, 50);
    console.log(
      `  ${label.padEnd(16)} ${[mean, ...[50, 99, 100].map((p) => percentile(sorted, p))]
        .map((ms) => fmt(ms, 3).padStart(8))
        .join(' ')} ${fmt(ratio).padStart(10)}×`,
    );
    summary.set(`commit p50 ms, ${label}`, percentile(sorted, 50));
    summary.set(`commit p99 ms, ${label}`, percentile(sorted, 99));
    if (label !== 'single') summary.set(`commit p50, ${label} / single`, ratio);
  }
}

// ---------------------------------------------------------------- one run
async function oneRun(actions: readonly Action[], run: number): Promise<Summary> {
  const summary: Summary = new Map();
  try {
    const begun = performance.now();
    process.stderr.write(`run ${run}: starting PostgreSQL and two clusters (load average ${load()})...\n`);
    const [single, async, sync] = await Promise.all([
      startDatabase(),
      startCluster('async', ASYNC_INSTANCE ?? '5'),
      startCluster('sync', SYNC_INSTANCE ?? '6'),
    ]);
    console.log(`\n=== run ${run} (databases up in ${fmt((performance.now() - begun) / 1000, 0)} s)`);
    for (const cluster of [async, sync]) console.log(`${cluster.mode} primary: ${JSON.stringify(cluster.settings)}`);
    const apis = {
      single: await startApiOn(single.url),
      async: await startApiOn(async.owner),
      sync: await startApiOn(sync.owner),
    };

    console.log(`\n(1) replay, each action sent to single, async, sync in a shuffled turn (load average ${load()})`);
    const replayed = await replayShuffled(
      TARGETS.map((t) => apis[t]),
      actions,
    );
    reportReplay(
      { single: replayed[0], async: replayed[1], sync: replayed[2] } as Record<Target, ReplayResult>,
      summary,
    );

    console.log(`\n(2) write throughput through the API: posts (with ?latest=), Connection: close`);
    await throughput(apis, summary);

    console.log(`\n(3) bare commit latency`);
    const admin = single.url.replace(/\/minitwit$/, '/postgres');
    await commitLatency(
      {
        single: admin,
        'async haproxy': async.viaHaproxy,
        'async direct': async.direct,
        'sync haproxy': sync.viaHaproxy,
        'sync direct': sync.direct,
      },
      summary,
    );
    summary.set(
      'commit p50, sync haproxy / async haproxy',
      summary.get('commit p50 ms, sync haproxy')! / summary.get('commit p50 ms, async haproxy')!,
    );
    summary.set(
      'commit p50, async haproxy / async direct',
      summary.get('commit p50 ms, async haproxy')! / summary.get('commit p50 ms, async direct')!,
    );
    console.log(`\nrun ${run} done, load average ${load()}`);
    summary.set('load average (1 min) at the end', loadavg()[0] ?? NaN);
    return summary;
  } finally {
    await stopEverything();
  }
}

// ---------------------------------------------------------------- main
await prepareServers();
const scenario = generateScenario({ actions: Number(flags.actions), seed: Number(flags.seed) });
const counts = scenario.actions.reduce<Record<string, number>>(
  (acc, a) => ({ ...acc, [a.kind]: (acc[a.kind] ?? 0) + 1 }),
  {},
);
console.log(
  `bench:replication ${new Date().toISOString()}: scenario ${scenario.actions.length} actions ${JSON.stringify(counts)}; writers ${WRITERS.join(', ')} × ${ROUNDS} rounds × ${ROUND_MS / 1000} s; ${COMMITS} commits per client; load average ${load()}`,
);
const summaries: Summary[] = [];
try {
  for (let run = 1; run <= Number(flags.runs); run++) {
    // A cluster can fail to start on a loaded machine (seen: pgBackRest's stanza-create losing its lock
    // to the first archive-push); everything is stopped by then, so such a run is tried once more.
    for (let attempt = 1; ; attempt++) {
      try {
        summaries.push(await oneRun(scenario.actions, run));
        break;
      } catch (error) {
        if (interrupted || attempt >= 2) throw error;
        console.log(`\nrun ${run} failed (${String(error).split('\n')[0]}); trying it again`);
      }
    }
  }
} catch (error) {
  if (!interrupted) {
    console.error(error);
    process.exitCode = 1;
  }
}
if (summaries.length > 1) {
  console.log(`\nover ${summaries.length} runs: min–max (each run)`);
  for (const key of summaries[0]?.keys() ?? []) {
    const values = summaries.map((s) => s.get(key) ?? NaN);
    const sorted = sortedCopy(values);
    const digits = key.includes(' / ') ? 3 : 2;
    console.log(
      `  ${key.padEnd(48)} ${fmt(sorted[0] ?? NaN, digits)}–${fmt(sorted.at(-1) ?? NaN, digits)} (${values.map((v) => fmt(v, digits)).join(', ')})`,
    );
  }
}
