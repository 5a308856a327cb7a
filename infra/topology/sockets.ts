/**
 * Opens sockets through the proxy as browsers do, closes them, and counts
 * from the proxy's access log how many went to each realtime replica (its
 * upstream address). Prints JSON; exits 1 unless every running replica took
 * at least `min-share` of its fair share (count / replicas; default 0.5): proof
 * that the proxy sends traffic to replicas added after it started, and that a
 * herd of sockets opened at once (as after a replica dies) spreads instead of
 * landing on one replica. Usage:
 *   tsx infra/topology/sockets.ts <web-url> <realtime-label> <proxy-label> [count] [min-share]
 */
import { io, type Socket } from 'socket.io-client';
import { containersWith, proxyLogSince } from './replicas';

const [webUrl, realtimeLabel, proxyLabel, countArg = '40', minShareArg = '0.5'] = process.argv.slice(2);
if (!webUrl || !realtimeLabel || !proxyLabel) {
  process.stderr.write('usage: sockets.ts <web-url> <realtime-label> <proxy-label> [count] [min-share]\n');
  process.exit(2);
}
// Docker's log timestamps have a second's precision at best here: start a second early.
const since = new Date(Date.now() - 1_000).toISOString();
const sockets: Socket[] = [];
const connected = await Promise.allSettled(
  Array.from({ length: Number(countArg) }, async () => {
    const socket = io(webUrl, { transports: ['websocket'], reconnection: false, timeout: 10_000 });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
  }),
);
for (const socket of sockets) socket.close();
// nginx writes a websocket's log line when it closes.
await new Promise((resolve) => setTimeout(resolve, 2_000));
const replicas = (await containersWith(realtimeLabel)).length;
const perUpstream: Record<string, number> = {};
for (const line of await proxyLogSince(proxyLabel, since)) {
  if (line.uri.startsWith('/socket.io/') && line.status === 101) {
    // After a failed connect nginx lists every address it tried: the last one took the socket.
    const upstream = line.upstream.split(', ').at(-1) ?? '';
    perUpstream[upstream] = (perUpstream[upstream] ?? 0) + 1;
  }
}
const failed = connected.filter((c) => c.status === 'rejected').length;
const receiving = Object.keys(perUpstream).length;
const fewest = receiving < replicas ? 0 : Math.min(...Object.values(perUpstream));
const needed = Math.max(1, Math.floor((Number(minShareArg) * Number(countArg)) / Math.max(1, replicas)));
process.stdout.write(
  `${JSON.stringify({ replicas, receiving, fewest, needed, failedConnects: failed, socketsPerReplica: perUpstream })}\n`,
);
process.exit(failed === 0 && receiving === replicas && fewest >= needed ? 0 : 1);
