import type { RealtimeIo } from './types';

/** The server-side event that tells every realtime server web sessions ended (signed out, one or everywhere). */
export const SESSION_ENDED = 'session:ended';

/**
 * What goes out on `SESSION_ENDED`: one session as a bare id, the shape every
 * server understood before sign-out everywhere, so a single sign-out still
 * reaches servers of the older version during a rolling deploy; several as a list.
 */
export const sessionEndedPayload = (sessionIds: readonly string[]): string | string[] =>
  sessionIds.length === 1 ? sessionIds[0]! : [...sessionIds];

/**
 * Disconnects this server's sockets that were opened with one of `sessionIds`
 * (a bare id or a list: sessionEndedPayload).
 *
 * A scan of the server's own sockets, not a room per session: signing out is
 * rare, and a session room cost every idle signed-in socket a room entry and
 * its name (~0.15 KB of heap per socket in bench:fanout, where the target is
 * ≤ 11 KB). Each server runs it when it hears `SESSION_ENDED` from the
 * adapter (sent by the Redis emitter of api/web, or by another server).
 */
export function disconnectSessions(io: RealtimeIo, sessionIds: string | readonly string[]): void {
  const ended = new Set(typeof sessionIds === 'string' ? [sessionIds] : sessionIds);
  for (const socket of io.of('/').sockets.values()) {
    const session = socket.data.session;
    if (session && ended.has(session.id)) socket.disconnect(true);
  }
}
