import type { RealtimeIo } from './types';

/** The server-side event that tells every realtime server a web session ended (signed out). */
export const SESSION_ENDED = 'session:ended';

/**
 * Disconnects this server's sockets that were opened with `sessionId`.
 *
 * A scan of the server's own sockets, not a room per session: signing out is
 * rare, and a session room cost every idle signed-in socket a room entry and
 * its name (~0.15 KB of heap per socket in bench:fanout, where the target is
 * ≤ 11 KB). Each server runs it when it hears `SESSION_ENDED` from the
 * adapter (sent by the Redis emitter of api/web, or by another server).
 */
export function disconnectSession(io: RealtimeIo, sessionId: string): void {
  for (const socket of io.of('/').sockets.values()) {
    if (socket.data.session?.id === sessionId) socket.disconnect(true);
  }
}
