import { Agent, IncomingMessage, ServerResponse, request } from 'node:http';
import { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { type ServiceMetrics, createLogger, createServiceMetrics } from '@minitwit/monitoring';
import type { TimelineMessage } from '@minitwit/db';
import { toLiveMessage } from '@minitwit/realtime';
import express from 'express';
import { observeRequests } from '../src/http/observe';

/**
 * `npx tsx api/bench/metrics-overhead.ts`: what the observability work (issue 9)
 * added to each API request, against its baseline in the same run.
 *
 * Per request the API gained exactly one in-flight gauge increment, one
 * `close` listener and one decrement; per write, one `Date.now()` commit
 * stamp on the live message. Pool, Redis and business figures are read at
 * scrape time, not per request.
 *
 * Timing two whole servers (with and without the gauge) cannot resolve this:
 * on two shared cores the round-to-round noise of a request is tens of µs,
 * larger than the effect. So the added work itself is timed in a tight loop
 * against the same loop without it (rounds interleaved, CPU time, medians
 * with their spread), and set against the CPU cost of a whole do-nothing
 * Express request through the real `observeRequests` middleware, measured in
 * the same run. A real API request also parses, validates and talks to
 * PostgreSQL, so the share of one is smaller still: this is an upper bound.
 */
const ROUNDS = 10;
const REQUESTS = 3_000;
const LOOPS = 200_000;

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
 * client: on a shared machine wall time mostly measures the wait for a core,
 * CPU time the work done.
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

function spread(values: number[], digits = 2): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(digits)} (min ${sorted[0]!.toFixed(digits)}, max ${sorted.at(-1)!.toFixed(digits)})`;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// (1) The added per-request work, on a real ServerResponse as the middleware sees it.
const metrics = createServiceMetrics('api');
const requestPathNs = (added: boolean): number => {
  const started = cpuMicros();
  for (let i = 0; i < LOOPS; i++) {
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    if (added) {
      metrics.httpInFlight.inc();
      res.once('close', () => metrics.httpInFlight.dec());
    }
    res.emit('close');
  }
  return ((cpuMicros() - started) * 1_000) / LOOPS;
};
const gauge = { with: [] as number[], without: [] as number[] };
requestPathNs(true); // warm-up (JIT), not counted
requestPathNs(false);
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which goes first, so neither always runs on a warmer machine.
  const order = round % 2 ? ([true, false] as const) : ([false, true] as const);
  for (const added of order) gauge[added ? 'with' : 'without'].push(requestPathNs(added));
}
const addedNs = gauge.with.map((value, round) => value - gauge.without[round]!);

// (2) The whole do-nothing request, the denominator.
const server = await serve(createServiceMetrics('api'));
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
await timeRequests(server.port, agent); // warm-up
const wholeRequestMicros: number[] = [];
for (let round = 0; round < ROUNDS; round++) wholeRequestMicros.push(await timeRequests(server.port, agent));
agent.destroy();
await server.close();

const shares = addedNs.map((ns) => (100 * ns) / 1_000 / median(wholeRequestMicros));
console.log(`(1) added per request (gauge inc, close listener, dec), CPU ns over ${ROUNDS} rounds of ${LOOPS}:`);
console.log(`    without  ${spread(gauge.without, 1)}`);
console.log(`    with     ${spread(gauge.with, 1)}`);
console.log(`    added    ${spread(addedNs, 1)} ns`);
console.log(
  `(2) a whole do-nothing Express request with observeRequests, CPU µs over ${ROUNDS} rounds of ${REQUESTS} (keep-alive, client in the same process): ${spread(wholeRequestMicros)}`,
);
console.log(`    => the added work is ${spread(shares, 3)} % of it (an upper bound for a real API request)`);

const message: TimelineMessage = {
  id: 1,
  text: 'hello',
  pubDate: new Date(0),
  author: { id: 1, username: 'ivy', email: 'ivy@example.com' },
  mentions: [],
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
const stampNs = publish.with.map((value, round) => value - publish.without[round]!);
const stampShares = stampNs.map((ns) => (100 * ns) / 1_000 / median(wholeRequestMicros));
console.log(`(3) live message built for publishing (once per write), CPU ns over ${ROUNDS} rounds of ${PUBLISHES}:`);
console.log(`    without commit stamp  ${spread(publish.without, 1)}`);
console.log(`    with commit stamp     ${spread(publish.with, 1)}`);
console.log(`    added                 ${spread(stampNs, 1)} ns = ${spread(stampShares, 3)} % of the request in (2)`);
