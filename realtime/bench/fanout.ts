import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Database } from '@minitwit/db';
import { type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { createLogger } from '@minitwit/monitoring';
import { loadRealtimeConfig } from '../src/config';
import type { LiveScope } from '../src/contract';
import { createPublisher } from '../src/publish/create-publisher';
import { Fleet, type Watch } from './clients';
import { Samples, fmt, summarize } from './stats';

/**
 * `npm run bench:fanout -- [--clients 3000] [--rate 50] [--duration 60] [--servers 3] [--ramp]`
 *
 * K socket.io clients spread over N realtime servers sharing Redis, watching
 * public, user and My timelines; messages written at a steady rate through
 * the real write path (db.messages.post, then the Redis publisher, as the api
 * and web do); then the same load on one server without Redis (writes and
 * the in-process publisher inside that server's process) as the baseline.
 * Latency runs from the write's commit to receipt by the client. Needs
 * DATABASE_URL (a fresh database is created on it) and REDIS_URL.
 */
const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '50' },
    duration: { type: 'string', default: '60' },
    servers: { type: 'string', default: '3' },
    authors: { type: 'string', default: '100' },
    viewers: { type: 'string', default: '300' },
    follows: { type: 'string', default: '10' },
    mix: { type: 'string', default: '10:45:45' },
    ramp: { type: 'boolean', default: false },
    'ramp-duration': { type: 'string', default: '10' },
    'skip-baseline': { type: 'boolean', default: false },
  },
});
const num = (name: keyof typeof flags) => {
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const options = {
  clients: num('clients'),
  rate: num('rate'),
  duration: num('duration'),
  servers: num('servers'),
  authors: num('authors'),
  viewers: num('viewers'),
  follows: num('follows'),
  mix: flags.mix.split(':').map(Number) as [number, number, number],
  rampDuration: num('ramp-duration'),
};

const config = loadRealtimeConfig();
if (!config.DATABASE_URL || !config.REDIS_URL) {
  process.stderr.write('bench:fanout needs DATABASE_URL (PostgreSQL) and REDIS_URL\n');
  process.exit(2);
}
const redisUrl = config.REDIS_URL;
const logger = createLogger({ service: 'bench-fanout', level: 'warn' });
const out = (line: string) => process.stdout.write(`${line}\n`);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- servers as child processes --------------------------------------------------------------

type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'memory'; heapUsed: number; rss: number; sockets: number }
  | { type: 'posted'; seq: number; id: number; committedAt: number }
  | { type: 'post-failed'; seq: number; error: string };

interface ServerChild {
  child: ChildProcess;
  url: string;
  request<T extends ChildMessage['type']>(
    command: object,
    answer: T,
    matches?: (message: Extract<ChildMessage, { type: T }>) => boolean,
  ): Promise<Extract<ChildMessage, { type: T }>>;
  stop(): Promise<void>;
}

async function startServer(databaseUrl: string, redis: { url: string; channel: string } | null): Promise<ServerChild> {
  const child = fork(fileURLToPath(new URL('./server-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redis?.url ?? '',
      REDIS_CHANNEL: redis?.channel ?? 'socket.io',
      REALTIME_PORT: '0',
      REALTIME_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
  });
  // Every in-flight baseline write listens for its own answer.
  child.setMaxListeners(0);
  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.on('message', (message: ChildMessage) => message.type === 'ready' && resolve(message));
  });
  return {
    child,
    url: `http://127.0.0.1:${ready.port}`,
    request(command, answer, matches = () => true) {
      return new Promise((resolve) => {
        const listener = (message: ChildMessage) => {
          if (message.type !== answer || !matches(message as Extract<ChildMessage, { type: typeof answer }>)) return;
          child.off('message', listener);
          resolve(message as Extract<ChildMessage, { type: typeof answer }>);
        };
        child.on('message', listener);
        child.send(command);
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

// ---- data ------------------------------------------------------------------------------------

interface World {
  authorIds: number[];
  viewers: { id: number; token: string; follows: number[] }[];
}

/** Bench users straight into the tables: setup is not what is measured, and hashing 400 passwords is slow. */
async function seed(db: Database): Promise<World> {
  const tag = randomBytes(3).toString('hex');
  const insertUsers = (kind: string, count: number) =>
    db.sql<{ id: number }>(
      `insert into "users" ("username", "email", "pw_hash")
       select $1 || g, $1 || g || '@example.com', 'bench' from generate_series(1, $2::int) g returning "id"`,
      [`bench-${kind}-${tag}-`, count],
    );
  const authorIds = (await insertUsers('author', options.authors)).map((row) => row.id);
  const viewerRows = await insertUsers('viewer', options.viewers);
  const viewers = [];
  for (const { id } of viewerRows) {
    const follows = [...authorIds].sort(() => Math.random() - 0.5).slice(0, options.follows);
    await db.sql(`insert into "followers" ("who_id", "whom_id") select $1, unnest($2::int[])`, [id, follows]);
    viewers.push({ id, token: await db.sessions.create(id, 3_600_000), follows });
  }
  return { authorIds, viewers };
}

function watchesFor(world: World, urls: string[]): Watch[] {
  const [pub, user] = options.mix;
  const total = options.mix.reduce((a, b) => a + b, 0);
  const watches: Watch[] = [];
  for (let i = 0; i < options.clients; i += 1) {
    const url = urls[i % urls.length]!;
    const slot = ((i * 7919) % total) + 0.5; // spreads the mix evenly over the servers
    if (slot < pub) {
      watches.push({ url, scope: { kind: 'public' }, wants: () => true });
    } else if (slot < pub + user) {
      const authorId = world.authorIds[i % world.authorIds.length]!;
      const scope: LiveScope = { kind: 'user', userId: authorId };
      watches.push({ url, scope, wants: (id) => id === authorId });
    } else {
      const viewer = world.viewers[i % world.viewers.length]!;
      const followed = new Set([viewer.id, ...viewer.follows]);
      watches.push({ url, scope: { kind: 'home' }, sessionToken: viewer.token, wants: (id) => followed.has(id) });
    }
  }
  return watches;
}

// ---- one measured phase ----------------------------------------------------------------------

type Writer = (seq: number, authorId: number, text: string) => Promise<{ id: number; committedAt: number }>;

async function runPhase(label: string, fleet: Fleet, world: World, write: Writer, rate: number, seconds: number) {
  const total = Math.round(rate * seconds);
  const written = new Map<number, { seq: number; committedAt: number; authorId: number }>();
  let failures = 0;
  let sent = 0;
  let inFlight = 0;
  const start = now();
  fleet.takeDeliveries();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate));
      while (sent < due && inFlight < 200) {
        const seq = sent++;
        const authorId = world.authorIds[Math.floor(Math.random() * world.authorIds.length)]!;
        inFlight += 1;
        write(seq, authorId, `bench message ${seq}`)
          .then(
            ({ id, committedAt }) => written.set(id, { seq, committedAt, authorId }),
            () => (failures += 1),
          )
          .finally(() => (inFlight -= 1));
      }
      if (sent >= total && inFlight === 0) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  });
  const elapsed = (now() - start) / 1000;
  // Drain: wait until deliveries stop arriving for a second (or 20 s).
  for (let last = -1, quietSince = now(); now() - quietSince < 1_000;) {
    await sleep(100);
    const count = fleet.deliveries();
    if (count !== last) [last, quietSince] = [count, now()];
    if (now() - start > seconds * 1000 + 20_000) break;
  }

  const deliveries = fleet.takeDeliveries();
  const seen = new Uint8Array(fleet.watches.length * total);
  const latencies = new Samples();
  let duplicates = 0;
  let foreign = 0;
  let firstAt = Infinity;
  let lastAt = 0;
  for (let i = 0; i < deliveries.id.length; i += 1) {
    const message = written.get(deliveries.id[i]!);
    if (!message) continue; // a message of an earlier phase arriving late would show up as missing there
    const socket = deliveries.socket[i]!;
    if (!fleet.watches[socket]!.wants(message.authorId)) foreign += 1;
    const key = socket * total + message.seq;
    if (seen[key]) {
      duplicates += 1;
      continue;
    }
    seen[key] = 1;
    const at = deliveries.at[i]!;
    latencies.push(at - message.committedAt);
    firstAt = Math.min(firstAt, at);
    lastAt = Math.max(lastAt, at);
  }
  let expected = 0;
  for (const message of written.values()) {
    for (const watch of fleet.watches) if (watch.wants(message.authorId)) expected += 1;
  }
  const unique = latencies.values().length;
  const latency = summarize(latencies.values());
  const result = {
    label,
    rate: written.size / elapsed,
    messages: written.size,
    failures,
    expected,
    delivered: unique,
    missing: expected - (unique - foreign),
    duplicates,
    foreign,
    deliveriesPerSecond: unique / Math.max(0.001, (lastAt - firstAt) / 1000),
    ...latency,
  };
  out(
    `${label}: ${result.messages} messages at ${fmt(result.rate)}/s (${failures} failed writes) → ` +
      `${result.delivered}/${expected} deliveries, missing ${result.missing}, duplicates ${duplicates}, wrong-timeline ${foreign}; ` +
      `latency p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms, max ${fmt(latency.max)} ms; ` +
      `${fmt(result.deliveriesPerSecond, 0)} deliveries/s`,
  );
  return result;
}

async function memoryPerSocket(label: string, servers: ServerChild[], before: { heapUsed: number; rss: number }[]) {
  const after = await Promise.all(servers.map((server) => server.request({ type: 'measure' }, 'memory')));
  after.forEach((memory, i) => {
    const sockets = Math.max(1, memory.sockets);
    out(
      `${label} server ${i + 1}: ${memory.sockets} idle sockets, ` +
        `heap ${fmt((memory.heapUsed - before[i]!.heapUsed) / sockets / 1024, 2)} KB/socket, ` +
        `RSS ${fmt((memory.rss - before[i]!.rss) / sockets / 1024, 2)} KB/socket`,
    );
  });
}

// ---- the runs --------------------------------------------------------------------------------

async function scenario(database: TestDatabase, world: World, withRedis: boolean) {
  const label = withRedis ? `${options.servers} servers + Redis` : '1 server, no Redis';
  const channel = `bench-${randomBytes(4).toString('hex')}`;
  const count = withRedis ? options.servers : 1;
  const servers = await Promise.all(
    Array.from({ length: count }, () => startServer(database.url!, withRedis ? { url: redisUrl, channel } : null)),
  );
  const publishing = withRedis ? await createPublisher({ redisUrl, channel, logger }) : null;
  const fleet = new Fleet(
    watchesFor(
      world,
      servers.map((server) => server.url),
    ),
  );
  try {
    const before = await Promise.all(servers.map((server) => server.request({ type: 'measure' }, 'memory')));
    const { messages } = await database.db.timelines.page({ kind: 'public' }, { limit: 1 });
    const connectStart = now();
    await fleet.connect(messages[0]?.id ?? 0);
    out(`${label}: ${options.clients} clients connected and subscribed in ${fmt((now() - connectStart) / 1000)} s`);
    await memoryPerSocket(label, servers, before);

    const write: Writer = publishing
      ? async (_seq, authorId, text) => {
          const message = await database.db.messages.post(authorId, text);
          const committedAt = now();
          publishing.publisher.messagePosted(message);
          return { id: message.id, committedAt };
        }
      : async (seq, authorId, text) => {
          const posted = await servers[0]!.request(
            { type: 'post', seq, authorId, text },
            'posted',
            (answer) => answer.seq === seq,
          );
          return { id: posted.id, committedAt: posted.committedAt };
        };
    const main = await runPhase(label, fleet, world, write, options.rate, options.duration);
    const ramp: Awaited<ReturnType<typeof runPhase>>[] = [];
    if (withRedis && flags.ramp) {
      for (let rate = options.rate * 2; ; rate *= 2) {
        const step = await runPhase(`${label} ramp ${rate}/s`, fleet, world, write, rate, options.rampDuration);
        ramp.push(step);
        if (step.p99 > 300 || step.rate < rate * 0.8 || rate > 100_000) break;
      }
    }
    if (fleet.disconnects > 0) out(`${label}: ${fleet.disconnects} client disconnects during the run`);
    return { main, ramp };
  } finally {
    fleet.close();
    await publishing?.close();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

const database = await createTestDatabase('postgres');
try {
  const world = await seed(database.db);
  out(
    `bench:fanout — ${options.clients} clients (mix public:user:home ${flags.mix}), ${options.rate} msg/s for ${options.duration} s, ` +
      `${options.authors} authors, ${options.viewers} viewers following ${options.follows} each; writes: db.messages.post + publisher`,
  );
  const cluster = await scenario(database, world, true);
  const baseline = flags['skip-baseline'] ? null : await scenario(database, world, false);
  out('---');
  const targets = [
    ['0 missing', cluster.main.missing === 0],
    ['0 duplicates', cluster.main.duplicates === 0],
    ['p99 ≤ 100 ms', cluster.main.p99 <= 100],
    ...(baseline
      ? [
          [
            `p99 ≤ 1.5× single-server p99 (${fmt(baseline.main.p99)} ms)`,
            cluster.main.p99 <= 1.5 * baseline.main.p99,
          ] as const,
        ]
      : []),
  ] as const;
  for (const [name, ok] of targets) out(`${ok ? 'PASS' : 'FAIL'} ${name}`);
  const lastUnder = [cluster.main, ...cluster.ramp].filter((step) => step.p99 <= 300).at(-1);
  const over = cluster.ramp.find((step) => step.p99 > 300);
  if (cluster.ramp.length) {
    out(
      `ramp: last rate with p99 ≤ 300 ms: ${fmt(lastUnder?.rate ?? NaN)} msg/s = ${fmt(lastUnder?.deliveriesPerSecond ?? NaN, 0)} deliveries/s; ` +
        (over
          ? `p99 passed 300 ms at ${fmt(over.rate)} msg/s = ${fmt(over.deliveriesPerSecond, 0)} deliveries/s`
          : 'p99 never passed 300 ms'),
    );
  }
} finally {
  await database.dispose();
}
