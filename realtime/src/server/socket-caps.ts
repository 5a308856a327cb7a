import type { Logger } from '@minitwit/monitoring';
import { SOCKET_LIMIT_ERROR, type SocketLimitRefusal } from '../contract';
import { clientAddress } from './client-address';
import type { RealtimeMetrics } from './metrics';
import type { CapKey, SocketCount } from './socket-count';
import type { RealtimeSocket } from './types';

/** The most live sockets one web session and one address may hold; 0 means no cap. */
export interface SocketCaps {
  perSession: number;
  perAddress: number;
  /** Proxies in front that append the client to X-Forwarded-For (nginx: 1); 0 reads no header. */
  trustedProxyHops: number;
}

/**
 * Issue 19 finding 5: one cookie held 150 live sockets, each able to pull a
 * 500-message backlog. A person has a few tabs open; 20 per session leaves
 * room for many. The address cap stops the same from anonymous sockets (and
 * from a fresh session per socket), set high because many people can share
 * one address (an office, a campus NAT). Tools that open thousands of sockets
 * from one machine (bench:fanout, the fault suite) set 0.
 */
export const DEFAULT_SOCKET_CAPS: SocketCaps = { perSession: 20, perAddress: 200, trustedProxyHops: 0 };

/**
 * Handshake middleware, after `authenticate` (it counts a session only once
 * the session is known to be real: an invented cookie counts as anonymous).
 * A socket past a cap is refused with SOCKET_LIMIT_ERROR, which the client
 * tells apart from an outage. An accepted socket's counts are taken back when
 * its connection closes — also when it closes before the handshake finishes,
 * where Socket.IO drops the socket without a `disconnect` event.
 */
export function capSockets(count: SocketCount, caps: SocketCaps, logger: Logger, metrics: RealtimeMetrics) {
  return async (socket: RealtimeSocket, next: (error?: Error) => void): Promise<void> => {
    const keys: CapKey[] = [];
    const session = socket.data.session;
    if (caps.perSession > 0 && session)
      keys.push({ kind: 'session', field: `s:${session.id}`, limit: caps.perSession });
    if (caps.perAddress > 0) {
      const address = clientAddress(socket, caps.trustedProxyHops);
      keys.push({ kind: 'address', field: `a:${address}`, limit: caps.perAddress });
    }
    if (keys.length === 0) return next();
    const full = await count.acquire(keys);
    if (full) {
      // Counted, and logged at debug only: a refused flood would otherwise be a flood of log lines.
      metrics.handshakes.inc({ result: `limited_${full}` });
      logger.debug('socket refused: too many live sockets', { limit: full });
      const error = new Error(SOCKET_LIMIT_ERROR) as Error & { data: SocketLimitRefusal };
      error.data = { limit: full };
      return next(error);
    }
    // The client may have gone while its socket was counted: then the close is past, not to come.
    if (socket.conn.readyState === 'closed') count.release(keys);
    else socket.conn.once('close', () => count.release(keys));
    next();
  };
}
