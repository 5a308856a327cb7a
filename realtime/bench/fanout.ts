import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { loadRealtimeConfig } from '../src/config';
import { startApi } from './api-process';
import { Fleet } from './clients';
import { now } from './clock';
import { forkBench } from './ipc';
import { options, usage } from './options';
import { type PhaseResult, type PhaseSetup, runPhase } from './phase';
import { createPoster } from './poster';
import type { ServerReply } from './server-process';
import { fmt } from './stats';
import { type World, seed, watchesFor } from './world';

/**
 * `npm run bench:fanout -- --help`
 *
 * K socket.io clients (in a few client processes) spread over N realtime
 * servers sharing Redis, watching public, user and My timelines; messages
 * posted at a steady rate through the real simulator API (`api/src/main.ts`
 * in its own process, publishing through Redis); then the same load on one
 * server without Redis (the API in that server's process, publishing
 * in-process) as the baseline. Latency runs from the API's 204 to receipt.
 */
if (options.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const config = loadRealtimeConfig();
if (!config.DATABASE_URL || !config.REDIS_URL) {
  process.stderr.write('bench:fanout needs DATABASE_URL (PostgreSQL) and REDIS_URL\n');
  process.exit(2);
}
const redisUrl = config.REDIS_URL;
const out = (line: string) => process.stdout.write(`${line}\n`);

function startServer(databaseUrl: string, redis: { url: string; channel: string } | null, withApi: boolean) {
  const child = forkBench<ServerReply>(
    './server-process.ts',
    {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redis?.url ?? '',
      REDIS_CHANNEL: redis?.channel ?? 'socket.io',
      REALTIME_PORT: '0',
      REALTIME_INTERNAL_PORT: '0',
      REALTIME_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Thousands of sockets from this one machine: the per-address (and per-session) caps would refuse them.
      REALTIME_MAX_SOCKETS_PER_ADDRESS: '0',
      REALTIME_MAX_SOCKETS_PER_SESSION: '0',
      BENCH_WITH_API: withApi ? '1' : '0',
    },
    ['--expose-gc'],
  );
  return child.request({}, 'ready').then((ready) => ({ ...child, ready, url: `http://127.0.0.1:${ready.port}` }));
}
type Server = Awaited<ReturnType<typeof startServer>>;

/** Redis and PostgreSQL server processes, for the CPU report (found by name, read only). */
function pidsOf(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
const infrastructure: [string, number | undefined][] = [
  ...pidsOf('redis-server').map((pid): [string, number] => ['redis', pid]),
];

async function measure(servers: Server[]) {
  return Promise.all(servers.map((server) => server.request({ type: 'measure' }, 'memory')));
}

async function scenario(database: TestDatabase, world: World, withRedis: boolean) {
  const label = withRedis ? `${options.servers} servers + Redis` : '1 server, no Redis';
  const channel = `bench-${randomBytes(4).toString('hex')}`;
  const redis = withRedis ? { url: redisUrl, channel } : null;
  const servers = await Promise.all(
    Array.from({ length: withRedis ? options.servers : 1 }, () => startServer(database.url!, redis, !withRedis)),
  );
  const api = withRedis ? await startApi(database.url!, redisUrl, channel) : null;
  const apiUrl = api?.url ?? servers[0]!.ready.apiUrl!;
  const poster = createPoster(apiUrl);
  const { specs, wants } = watchesFor(
    world,
    servers.map((server) => server.url),
  );
  const audience = new Map<number, number>();
  for (const { id } of world.authors) audience.set(id, wants.filter((want) => want(id)).length);
  let fleet: Fleet | undefined;
  try {
    const empty = await measure(servers);
    const { messages } = await database.db.timelines.page({ kind: 'public' }, { limit: 1 });
    const afterId = messages[0]?.id ?? 0;
    const connectStart = now();
    fleet = Fleet.start(options.clientProcs);
    // A first third warms up what a server pays once (compiled code, pools, room maps): the
    // per-socket figure is the growth from there, the marginal cost of one more idle socket.
    const warm = Math.floor(specs.length / 3);
    await fleet.add(specs.slice(0, warm), afterId);
    const warmed = await measure(servers);
    await fleet.add(specs.slice(warm), afterId);
    out(`${label}: ${options.clients} clients connected and subscribed in ${fmt((now() - connectStart) / 1000)} s`);
    const idle = await measure(servers);
    const perSocket = (i: number, key: 'heapUsed' | 'rss') =>
      (idle[i]![key] - warmed[i]![key]) / Math.max(1, idle[i]!.sockets - warmed[i]!.sockets) / 1024;
    idle.forEach((memory, i) => {
      out(
        `${label} server ${i + 1}: ${memory.sockets} idle sockets; per socket past the first ${warmed[i]!.sockets}: ` +
          `heap ${fmt(perSocket(i, 'heapUsed'), 2)} KB, RSS ${fmt(perSocket(i, 'rss'), 2)} KB; ` +
          `whole heap growth from an empty server ${fmt((memory.heapUsed - empty[i]!.heapUsed) / Math.max(1, memory.sockets) / 1024, 2)} KB/socket`,
      );
    });
    const heapPerSocket = Math.max(...idle.map((_, i) => perSocket(i, 'heapUsed')));
    const processes: PhaseSetup['processes'] = [
      ['bench', process.pid],
      ...(api ? [['api', api.pid] as [string, number | undefined]] : []),
      ...servers.map((server, i): [string, number | undefined] => [
        withRedis ? `server ${i + 1}` : 'server+api',
        server.child.pid,
      ]),
      ...fleet.pids.map((pid, i): [string, number | undefined] => [`clients ${i + 1}`, pid]),
      ...infrastructure,
    ];
    const setup: PhaseSetup = { fleet, poster, authors: world.authors, wants, audience, processes };
    const main = await runPhase(setup, label, options.rate, options.duration);
    const ramp: PhaseResult[] = [];
    if (withRedis && options.ramp) {
      for (let rate = options.rate * 2; rate <= 100_000; rate *= 2) {
        const step = await runPhase(setup, `${label} ramp ${rate}/s`, rate, options.rampDuration);
        ramp.push(step);
        if (step.p99 > 300 || step.rate < rate * 0.8) break;
      }
    }
    return { main, ramp, heapPerSocket };
  } finally {
    await fleet?.close();
    poster.close();
    await api?.stop();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

const database = await createTestDatabase('postgres');
try {
  const world = await seed(database.db);
  out(
    `bench:fanout — ${options.clients} clients in ${options.clientProcs} processes (mix public:user:home ${options.mixText}), ` +
      `${options.rate} msg/s for ${options.duration} s through POST /msgs/<user>; ${options.authors} authors, ` +
      `${options.viewers} signed-in viewers following ${options.follows} each; load average ${loadavg()
        .map((value) => fmt(value, 2))
        .join(' ')}`,
  );
  const cluster = options.skipCluster ? null : await scenario(database, world, true);
  const baseline = options.skipBaseline ? null : await scenario(database, world, false);
  out('---');
  if (cluster) {
    const targets: [string, boolean][] = [
      ['0 missing', cluster.main.missing === 0],
      ['0 duplicates', cluster.main.duplicates === 0],
      ['p99 ≤ 100 ms', cluster.main.p99 <= 100],
      [`≤ 11 KB heap per idle socket (${fmt(cluster.heapPerSocket, 2)} KB, worst server)`, cluster.heapPerSocket <= 11],
    ];
    if (baseline) {
      // Restated for this 2-core box (issue 10): either ratio meets the cluster-vs-single target; both are printed.
      const p99Ratio = cluster.main.p99 / baseline.main.p99;
      const lastRatio = cluster.main.lastDeliveryP50 / baseline.main.lastDeliveryP50;
      targets.push(
        [
          `cluster p99 ≤ 2× single-server p99: ${fmt(cluster.main.p99)} / ${fmt(baseline.main.p99)} ms = ${fmt(p99Ratio, 2)}×`,
          p99Ratio <= 2,
        ],
        [
          `cluster last-delivery p50 ≤ 1.5× single-server: ${fmt(cluster.main.lastDeliveryP50)} / ${fmt(baseline.main.lastDeliveryP50)} ms = ${fmt(lastRatio, 2)}×`,
          lastRatio <= 1.5,
        ],
        ['cluster vs single-server target (either of the two above)', p99Ratio <= 2 || lastRatio <= 1.5],
      );
    }
    for (const [name, ok] of targets) out(`${ok ? 'PASS' : 'FAIL'} ${name}`);
    if (cluster.ramp.length) {
      const lastUnder = [cluster.main, ...cluster.ramp].filter((step) => step.p99 <= 300).at(-1);
      const over = cluster.ramp.find((step) => step.p99 > 300);
      out(
        `ramp: last rate with p99 ≤ 300 ms: ${fmt(lastUnder?.rate ?? NaN)} msg/s = ` +
          `${fmt(lastUnder?.deliveriesPerSecond ?? NaN, 0)} deliveries/s; ` +
          (over
            ? `p99 passed 300 ms at ${fmt(over.rate)} msg/s = ${fmt(over.deliveriesPerSecond, 0)} deliveries/s`
            : 'p99 never passed 300 ms (posting rate fell short or the cap was reached)'),
      );
    }
  }
} finally {
  await database.dispose();
}
