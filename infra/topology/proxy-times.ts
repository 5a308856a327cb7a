/**
 * What the proxy saw of the simulator's requests since a time, from its
 * access log: how many it answered, how many it had to send to a second
 * replica because a connect failed or timed out (a dead address), and the
 * slowest as the proxy measured it. Beside live-load's figures (measured by
 * the client) this tells time spent on a dead address from time lost on a
 * busy host; the five slowest say which replica answered them and how long
 * the replica itself took (a new replica's first requests, or a host too
 * busy for all of them). Prints one JSON line. Usage:
 *   tsx infra/topology/proxy-times.ts <proxy-label> <since RFC 3339> [uri-prefix]
 */
import { proxyLogSince } from './replicas';

const [proxyLabel, since, prefix = '/msgs/'] = process.argv.slice(2);
if (!proxyLabel || !since) {
  process.stderr.write('usage: proxy-times.ts <proxy-label> <since> [uri-prefix]\n');
  process.exit(2);
}
const lines = (await proxyLogSince(proxyLabel, since)).filter((line) => line.uri.startsWith(prefix));
// nginx lists every address it tried, comma-separated, with each connect time.
const retried = lines.filter((line) => line.upstream.includes(','));
const connectMs = (line: { upstream_ms: string }) =>
  Math.max(0, ...line.upstream_ms.split(/[,:] */).map((value) => Number(value) * 1000 || 0));
process.stdout.write(
  `${JSON.stringify({
    requests: lines.length,
    retriedOnAnotherReplica: retried.length,
    slowestAtProxyMs: Math.round(Math.max(0, ...lines.map((line) => line.ms * 1000))),
    slowestConnectMs: Math.round(Math.max(0, ...lines.map(connectMs))),
    retriedSample: retried.slice(0, 5).map((line) => ({
      at: line.time.slice(11, 19),
      upstream: line.upstream,
      connectS: line.upstream_ms,
      replicaS: line.upstream_rt,
      status: line.status,
    })),
    slowest: [...lines]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((line) => ({
        at: line.time.slice(11, 19),
        ms: Math.round(line.ms * 1000),
        upstream: line.upstream,
        replicaMs: line.upstream_rt,
        replicaHeaderMs: line.upstream_ht,
        bytes: line.request_length,
        worker: line.pid,
        at_ms: line.msec,
        status: line.status,
      })),
    // Every answer the proxy gave as an error, with the replica it came from.
    errors: lines
      .filter((line) => line.status >= 500)
      .slice(0, 5)
      .map((line) => ({
        at: line.time.slice(11, 19),
        upstream: line.upstream,
        replicaS: line.upstream_rt,
        status: line.status,
      })),
    statuses: lines.reduce<Record<number, number>>(
      (counts, line) => ({ ...counts, [line.status]: (counts[line.status] ?? 0) + 1 }),
      {},
    ),
  })}\n`,
);
