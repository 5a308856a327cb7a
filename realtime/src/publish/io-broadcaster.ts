import type { RealtimeIo } from '../server/types';
import { SESSION_ENDED, disconnectSessions, sessionEndedPayload } from '../server/session-end';
import type { Broadcaster } from './broadcaster';

/** Broadcasts through a Socket.IO server; with the Redis adapter that reaches every server. */
export function ioBroadcaster(io: RealtimeIo, { cluster }: { cluster: boolean }): Broadcaster {
  return {
    emit(rooms, event, ...args) {
      io.to(rooms).emit(event, ...args);
    },
    join(fromRoom, room) {
      io.in(fromRoom).socketsJoin(room);
    },
    leave(fromRoom, room) {
      io.in(fromRoom).socketsLeave(room);
    },
    resyncAll(afterId) {
      io.emit('timeline:resync', afterId === undefined ? {} : { afterId });
    },
    endSessions(sessionIds) {
      disconnectSessions(io, sessionIds);
      // The other servers hear it through the adapter (a lone server's in-memory adapter has no one to tell).
      if (cluster) io.serverSideEmit(SESSION_ENDED, sessionEndedPayload(sessionIds));
    },
  };
}
