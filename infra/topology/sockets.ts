/**
 * Opens sockets through the proxy as browsers do, subscribes each to the
 * public timeline, and prints how many every realtime replica holds (JSON).
 * Exits 1 unless every running replica holds at least one: proof that the
 * proxy sends traffic to replicas added after it started.
 * Usage: tsx infra/topology/sockets.ts <web-url> <container-label> [count]
 */
import { io, type Socket } from 'socket.io-client';
import { metricPerReplica } from './replicas';

const [webUrl, label, countArg = '40'] = process.argv.slice(2);
if (!webUrl || !label) {
  process.stderr.write('usage: sockets.ts <web-url> <container-label> [count]\n');
  process.exit(2);
}
const before = await metricPerReplica(label, 5002, 'realtime_connected_sockets');
const sockets: Socket[] = [];
await Promise.all(
  Array.from({ length: Number(countArg) }, async () => {
    const socket = io(webUrl, { transports: ['websocket'], reconnection: false, timeout: 10_000 });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
  }),
);
const after = await metricPerReplica(label, 5002, 'realtime_connected_sockets');
for (const socket of sockets) socket.close();
const taken = Object.fromEntries(Object.entries(after).map(([id, n]) => [id, n - (before[id] ?? 0)]));
const receiving = Object.values(taken).filter((n) => n > 0).length;
process.stdout.write(
  `${JSON.stringify({ replicas: Object.keys(after).length, receiving, newSocketsPerReplica: taken })}\n`,
);
process.exit(receiving === Object.keys(after).length ? 0 : 1);
