import { loadavg } from 'node:os';
import { now, sleep } from './clock';
import { cpuMeter } from './cpu';
import type { Fleet } from './clients';
import type { createPoster } from './poster';
import { Samples, fmt, summarize } from './stats';

export interface PhaseSetup {
  fleet: Fleet;
  poster: ReturnType<typeof createPoster>;
  authors: { id: number; username: string }[];
  /** wants[watch](authorId): whether that watch should receive a message by that author. */
  wants: ((authorId: number) => boolean)[];
  /** audience.get(authorId): how many watches should receive a message by that author. */
  audience: Map<number, number>;
  /** Processes whose CPU share is reported, by name. */
  processes: [name: string, pid: number | undefined][];
}

export type PhaseResult = ReturnType<typeof summarize> & {
  label: string;
  rate: number;
  messages: number;
  failures: number;
  expected: number;
  delivered: number;
  missing: number;
  duplicates: number;
  foreign: number;
  disconnects: number;
  deliveriesPerSecond: number;
  /** Per message, the latency of its last delivery: how long reaching every socket took. */
  lastDeliveryP50: number;
};

let nextSeq = 0;

/**
 * Posts `rate` messages a second for `seconds` through the API, waits until
 * deliveries stop arriving, then matches every delivery to its message. Seqs
 * run on across phases, so a straggler of an earlier phase is never counted
 * in a later one.
 */
export async function runPhase(setup: PhaseSetup, label: string, rate: number, seconds: number): Promise<PhaseResult> {
  const { fleet, poster, authors, wants, audience } = setup;
  const total = Math.round(rate * seconds);
  const first = nextSeq;
  nextSeq += total;
  const authorOf = new Float64Array(total);
  const answeredAt = new Float64Array(total).fill(NaN);
  let failures = 0;
  let sent = 0;
  let inFlight = 0;
  const failuresSeen: string[] = [];
  await fleet.take();
  const load = loadavg()[0]!;
  const cpu = cpuMeter(setup.processes);
  const start = now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate));
      while (sent < due && inFlight < 256) {
        const i = sent++;
        const author = authors[Math.floor(Math.random() * authors.length)]!;
        authorOf[i] = author.id;
        inFlight += 1;
        poster
          .post(author.username, `bench ${first + i}`)
          .then(
            (at) => (answeredAt[i] = at),
            (error: unknown) => {
              failures += 1;
              if (failuresSeen.length < 3) failuresSeen.push(String(error));
            },
          )
          .finally(() => (inFlight -= 1));
      }
      if (sent >= total && inFlight === 0) resolve();
      // Sleep until the next post is due, not a fixed 1 ms: polling kept the bench process
      // waking 1,000 times a second, CPU taken from the servers it measures on 2 cores.
      else setTimeout(tick, sent < total && inFlight < 256 ? start + ((sent + 1) / rate) * 1000 - now() : 5);
    };
    tick();
  });
  const elapsed = (now() - start) / 1000;
  const cpuShares = cpu.report();
  // Drain: until deliveries stop arriving for a second (at most 20 s more).
  for (let last = -1, quietSince = now(); now() - quietSince < 1_000;) {
    await sleep(100);
    const count = await fleet.count();
    if (count !== last) [last, quietSince] = [count, now()];
    if (now() - start > seconds * 1000 + 20_000) break;
  }

  const deliveries = await fleet.take();
  const seen = new Uint8Array(wants.length * total);
  const latencies = new Samples();
  let duplicates = 0;
  let foreign = 0;
  let firstAt = Infinity;
  let lastAt = 0;
  // Per message, its first and its last delivery: the first shows the hops to the nearest
  // socket, the spread to the last shows how long fanning it out to every socket took.
  const firstLatency = new Float64Array(total).fill(Infinity);
  const lastLatency = new Float64Array(total).fill(-Infinity);
  for (let d = 0; d < deliveries.seq.length; d += 1) {
    const i = deliveries.seq[d]! - first;
    if (!(i >= 0 && i < total) || Number.isNaN(answeredAt[i]!)) continue;
    const watch = deliveries.watch[d]!;
    if (!wants[watch]!(authorOf[i]!)) foreign += 1;
    const key = watch * total + i;
    if (seen[key]) {
      duplicates += 1;
      continue;
    }
    seen[key] = 1;
    const at = deliveries.at[d]!;
    const latency = at - answeredAt[i]!;
    latencies.push(latency);
    firstLatency[i] = Math.min(firstLatency[i]!, latency);
    lastLatency[i] = Math.max(lastLatency[i]!, latency);
    firstAt = Math.min(firstAt, at);
    lastAt = Math.max(lastAt, at);
  }
  let expected = 0;
  for (let i = 0; i < total; i += 1) if (!Number.isNaN(answeredAt[i]!)) expected += audience.get(authorOf[i]!) ?? 0;
  const delivered = latencies.values().length;
  const latency = summarize(latencies.values());
  const reached = (values: Float64Array) => summarize(values.filter(Number.isFinite));
  const [firstDelivery, lastDelivery] = [reached(firstLatency), reached(lastLatency)];
  const result: PhaseResult = {
    label,
    rate: (total - failures) / elapsed,
    messages: total - failures,
    failures,
    expected,
    delivered,
    missing: expected - (delivered - foreign),
    duplicates,
    foreign,
    disconnects: deliveries.disconnects.length,
    deliveriesPerSecond: delivered / Math.max(0.001, (lastAt - firstAt) / 1000),
    lastDeliveryP50: lastDelivery.p50,
    ...latency,
  };
  const reasons = new Map<string, number>();
  for (const { reason } of deliveries.disconnects) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  process.stdout.write(
    `${label}: ${result.messages} messages at ${fmt(result.rate)}/s (${failures} failed posts) → ` +
      `${delivered}/${expected} deliveries, missing ${result.missing}, duplicates ${duplicates}, wrong-timeline ${foreign}, ` +
      `disconnects ${result.disconnects}${reasons.size ? ` (${[...reasons].map(([r, n]) => `${r} ×${n}`).join(', ')})` : ''}; ` +
      `latency from 204 p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms, max ${fmt(latency.max)} ms; ` +
      `${fmt(result.deliveriesPerSecond, 0)} deliveries/s; load1 at start ${fmt(load, 2)}\n` +
      `  per message: first delivery p50 ${fmt(firstDelivery.p50)} / p99 ${fmt(firstDelivery.p99)} ms, ` +
      `last delivery p50 ${fmt(lastDelivery.p50)} / p99 ${fmt(lastDelivery.p99)} ms\n` +
      `  CPU while posting (% of one core): ${cpuShares}\n` +
      (failuresSeen.length ? `  failed posts, e.g.: ${failuresSeen.join(' | ')}\n` : ''),
  );
  return result;
}
