import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServiceMetrics, createLogger, createServiceMetrics } from '@minitwit/monitoring';
import type { TimelineMessage } from '@minitwit/db';
import { toLiveMessage } from '@minitwit/realtime';
import express from 'express';
import type { Gauge } from 'prom-client';
import { observeRequests } from '../src/http/observe';

/**
 * `npx tsx api/bench/metrics-overhead.ts`: what the observability work added
 * to each API request, measured in one process with its baseline, rounds
 * interleaved so the shared machine's noise falls on both alike.
 *
 * (1) The request path: the real `observeRequests` middleware on a route that
 *     does nothing, with the in-flight gauge (the only per-request addition)
 *     and with it replaced by a no-op. One request at a time on a keep-alive
 *     connection, as bare as an Express request gets: the difference is the
 *     largest share it can be of a real API request, which also talks to
 *     PostgreSQL.
 * (2) The publish path: a live message with and without its commit stamp.
 * Pool, Redis and business gauges are read at scrape time, not per request.
 */
const REQUESTS = 3_000;
const ROUNDS = 10;

const noopGauge = { inc() {}, dec() {} } as unknown as Gauge; // only inc/dec are called on the request path

async function serve(metrics: ServiceMetrics): Promise<{ port: number; close(): Promise<void> }> {
  const app = express();
  app.use(observeRequests(createLogger({ service: 'bench', silent: true }), metrics));
  app.get('/x', (_req, res) => {
    res.status(204).end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * CPU time (user + system) of this process, which holds both server and
 * client: on a shared, overloaded machine wall time mostly measures the wait
 * for a core, CPU time the work done.
 */
const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function timeRequests(port: number, agent: Agent): Promise<number> {
  const started = cpuMicros();
  for (let i = 0; i < REQUESTS; i++) {
    await new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/x', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
  }
  return (cpuMicros() - started) / REQUESTS;
}

function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(2)} (min ${sorted[0]!.toFixed(2)}, max ${sorted.at(-1)!.toFixed(2)})`;
}

const withGauge = createServiceMetrics('api');
const withoutGauge: ServiceMetrics = { ...createServiceMetrics('api'), httpInFlight: noopGauge };
const servers = { with: await serve(withGauge), without: await serve(withoutGauge) };
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const perRequest = { with: [] as number[], without: [] as number[] };
// Warm-up (JIT, sockets), not counted.
await timeRequests(servers.with.port, agent);
await timeRequests(servers.without.port, agent);
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which goes first, so neither always runs on a warmer machine.
  const order = round % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const);
  for (const variant of order) perRequest[variant].push(await timeRequests(servers[variant].port, agent));
}
agent.destroy();
await servers.with.close();
await servers.without.close();

const differences = perRequest.with.map((value, round) => value - perRequest.without[round]!);
const shares = differences.map((difference, round) => (100 * difference) / perRequest.without[round]!);
console.log(`(1) request path, CPU µs per request over ${ROUNDS} rounds of ${REQUESTS} (one at a time, keep-alive):`);
console.log(`    without in-flight gauge  ${spread(perRequest.without)}`);
console.log(`    with in-flight gauge     ${spread(perRequest.with)}`);
console.log(
  `    added                    ${spread(differences)} µs = ${spread(shares)} % of a do-nothing Express request`,
);

const message: TimelineMessage = {
  id: 1,
  text: 'hello',
  pubDate: new Date(0),
  author: { id: 1, username: 'ivy', email: 'ivy@example.com' },
};
const PUBLISHES = 100_000;
const timePublishes = (stamp: boolean): number => {
  let sink = 0;
  const started = cpuMicros();
  for (let i = 0; i < PUBLISHES; i++) {
    // As the publisher does it (realtime/src/publish/timeline-publisher.ts).
    const live = toLiveMessage(message);
    if (stamp) live.committedAt = Date.now();
    sink += live.id;
  }
  if (sink !== PUBLISHES) throw new Error('unexpected');
  return ((cpuMicros() - started) * 1_000) / PUBLISHES;
};
const publish = { with: [] as number[], without: [] as number[] };
timePublishes(true);
timePublishes(false);
for (let round = 0; round < ROUNDS; round++) {
  publish.without.push(timePublishes(false));
  publish.with.push(timePublishes(true));
}
console.log(`(2) live message built for publishing, CPU ns each over ${ROUNDS} rounds of ${PUBLISHES}:`);
console.log(`    without commit stamp     ${spread(publish.without)}`);
console.log(`    with commit stamp        ${spread(publish.with)}`);
