import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RealtimeIo, RealtimeSocket } from './types';

/**
 * What keeps one hostile page from hurting the others (issue 11 item 7).
 * Sizes and rates are far above what the browser client sends: one small
 * `timeline:subscribe` per page load or reconnect.
 */
export const SOCKET_LIMITS = {
  /** Largest packet a client may send; a bigger one closes that client's connection (ws maxPayload). */
  maxPacketBytes: 16 * 1024,
  /** Events one socket may send per second; the rest are dropped unanswered. */
  eventsPerSecond: 10,
  /** Dropped events after which the socket is disconnected: a flood, not a burst. */
  maxDroppedEvents: 50,
};

/**
 * Socket.IO's `allowRequest`: a browser handshake from a page on another
 * site is refused. Same origin (the Origin's host is the Host the request
 * came to) and the configured origins pass; clients that send no Origin
 * (not browsers) are not a cross-site risk and pass too.
 */
export function originGuard(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return (request: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => {
    const origin = request.headers.origin;
    if (origin === undefined || allowed.has(origin)) return callback(null, true);
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    const sameOrigin =
      host !== undefined && (host === request.headers.host || host === request.headers['x-forwarded-host']);
    callback(sameOrigin ? null : 'origin not allowed', sameOrigin);
  };
}

/** Drops a flooding socket's events past its rate, and disconnects it when the flood goes on. */
export function floodGuard(socket: RealtimeSocket, limiter: RateLimiterMemory): void {
  let dropped = 0;
  socket.use((_packet, next) => {
    limiter.consume(socket.id).then(
      () => next(),
      () => {
        dropped += 1;
        if (dropped >= SOCKET_LIMITS.maxDroppedEvents) socket.disconnect(true);
      },
    );
  });
}

export const eventLimiter = () => new RateLimiterMemory({ points: SOCKET_LIMITS.eventsPerSecond, duration: 1 });

/**
 * Sessions end on their own too: every `everyMs` the server disconnects its
 * sockets whose session has expired, so My Timeline stops. The page
 * reconnects anonymously and is told it is no longer signed in.
 */
export function expireSessions(io: RealtimeIo, everyMs: number): () => void {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const socket of io.of('/').sockets.values()) {
      const session = socket.data.session;
      if (session && session.expiresAt <= now) socket.disconnect(true);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
