import { parseArgs } from 'node:util';
import { createTestDatabase } from '@minitwit/db/testing';
import { Fleet } from './clients';
import { sleep } from './clock';
import { cpuSeconds } from './cpu';
import { forkBench } from './ipc';
import type { ServerReply } from './server-process';
import { fmt } from './stats';

/**
 * `npm run bench:heartbeat -- [--sockets 2000] [--seconds 30] [--rounds 3] [--intervals 2000,25000]`
 *
 * What the Socket.IO heartbeat costs (docs/decisions.md, "Socket.IO heartbeat"):
 * N idle live pages (public timeline, nothing posted) on one realtime server,
 * and the CPU the server and the client processes burn over a quiet window,
 * for each ping interval (timeout = interval, as configured in production)
 * against Socket.IO's default 25 s + 20 s, which is the baseline: at 25 s
 * almost no ping falls in the window, so it is the cost of holding the
 * sockets at all. Rounds are interleaved, so a change in the machine's load
 * hits every setting alike. Needs DATABASE_URL (a fresh database is created).
 */
const { values: flags } = parseArgs({
  options: {
    sockets: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' },
    intervals: { type: 'string', default: '2000,25000' },
  },
});
const sockets = Number(flags.sockets);
const seconds = Number(flags.seconds);
const rounds = Number(flags.rounds);
const intervals = flags.intervals.split(',').map(Number);
if (!process.env.DATABASE_URL) {
  process.stderr.write('bench:heartbeat needs DATABASE_URL (PostgreSQL)\n');
  process.exit(2);
}
const out = (line: string) => process.stdout.write(`${line}\n`);
const database = await createTestDatabase('postgres');

/** CPU (ms per second of wall time) of each process over `seconds` of idle sockets. */
async function measure(intervalMs: number): Promise<{ server: number; clients: number }> {
  const server = forkBench<ServerReply>('./server-process.ts', {
    NODE_ENV: 'production',
    DATABASE_URL: database.url!,
    DATABASE_POOL_SIZE: '4',
    REALTIME_PORT: '0',
    REALTIME_INTERNAL_PORT: '0',
    REALTIME_HOST: '127.0.0.1',
    REALTIME_PING_INTERVAL_MS: String(intervalMs),
    REALTIME_PING_TIMEOUT_MS: String(Math.min(intervalMs, 20_000)),
    LOG_LEVEL: 'warn',
  });
  const fleet = Fleet.start(2);
  try {
    const { port } = await server.request({}, 'ready');
    const url = `http://127.0.0.1:${port}`;
    await fleet.add(
      Array.from({ length: sockets }, (_, index) => ({ index, url, scope: { kind: 'public' as const } })),
      0,
    );
    // Let the connection burst's garbage be collected and the ping timers settle into their rhythm.
    await sleep(Math.min(5_000, intervalMs * 2));
    const pids = [server.child.pid, ...fleet.pids];
    const before = pids.map((pid) => (pid ? cpuSeconds(pid) : NaN));
    const start = performance.now();
    await sleep(seconds * 1_000);
    const wall = (performance.now() - start) / 1_000;
    const used = pids.map((pid, i) => (pid ? cpuSeconds(pid) : NaN) - before[i]!);
    const { disconnects } = await fleet.take();
    if (disconnects.length) throw new Error(`${disconnects.length} idle sockets were disconnected`);
    const perSecond = (cpu: number) => (cpu / wall) * 1_000;
    return { server: perSecond(used[0]!), clients: perSecond(used.slice(1).reduce((a, b) => a + b, 0)) };
  } finally {
    await fleet.close();
    await server.stop();
  }
}

out(`bench:heartbeat: ${sockets} idle sockets on one realtime server, ${seconds} s windows, ${rounds} rounds`);
const results = new Map<number, { server: number; clients: number }[]>(intervals.map((ms) => [ms, []]));
try {
  for (let round = 1; round <= rounds; round += 1) {
    for (const intervalMs of intervals) {
      const result = await measure(intervalMs);
      results.get(intervalMs)!.push(result);
      out(
        `round ${round}, ping every ${intervalMs} ms: server ${fmt(result.server, 1)} ms CPU/s, clients ${fmt(result.clients, 1)} ms CPU/s`,
      );
    }
  }
} finally {
  await database.dispose();
}

const range = (values: number[]) => `${fmt(Math.min(...values), 1)}–${fmt(Math.max(...values), 1)}`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const baseline = intervals.at(-1)!;
const baseServer = median(results.get(baseline)!.map((r) => r.server));
out('');
for (const [intervalMs, runs] of results) {
  const server = runs.map((r) => r.server);
  const perThousand = ((median(server) - baseServer) / sockets) * 1_000;
  out(
    `ping every ${intervalMs} ms: server ${range(server)} ms CPU/s (median ${fmt(median(server), 1)}), ` +
      `clients ${range(runs.map((r) => r.clients))} ms CPU/s` +
      (intervalMs === baseline
        ? ' — baseline'
        : `; heartbeat over the baseline: ${fmt(perThousand, 2)} ms CPU/s per 1,000 sockets = ${fmt(perThousand / 10, 2)}% of a core`),
  );
}
