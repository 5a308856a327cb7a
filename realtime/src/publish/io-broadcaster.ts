import type { RealtimeIo } from '../server/types';
import type { Broadcaster } from './broadcaster';

/** Broadcasts through a Socket.IO server; with the Redis adapter that reaches every server. */
export function ioBroadcaster(io: RealtimeIo): Broadcaster {
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
    disconnect(room) {
      io.in(room).disconnectSockets(true);
    },
  };
}
