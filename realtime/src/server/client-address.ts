import type { RealtimeSocket } from './types';

/**
 * The address a handshake came from, for the per-address socket cap.
 *
 * Behind the proxy every socket comes from the proxy's address, so with
 * `trustedHops` proxies in front (nginx: 1) the client is the entry those
 * proxies appended to X-Forwarded-For, counted from the right. Entries left
 * of them are the client's own words and are never read: a client could name
 * a fresh address per socket. With 0 hops (reached directly) the header is
 * ignored for the same reason.
 */
export function clientAddress(socket: Pick<RealtimeSocket, 'handshake'>, trustedHops: number): string {
  const peer = socket.handshake.address || 'unknown';
  if (trustedHops <= 0) return peer;
  const header = socket.handshake.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Fewer entries than proxies: the request did not come through all of them.
  return entries.at(-trustedHops) ?? peer;
}
