import { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents } from '../contract';
import type { RedisClient } from '@minitwit/redis';
import { SESSION_ENDED, sessionEndedPayload } from '../server/session-end';
import type { Broadcaster } from './broadcaster';

/**
 * Broadcasts from a process without a Socket.IO server (api, web, the flag
 * tool) onto the channel the realtime servers' Redis adapter listens on.
 */
export function emitterBroadcaster(client: RedisClient, channel: string): Broadcaster {
  const emitter = new Emitter<ServerToClientEvents>(client, { key: channel });
  return {
    emit(rooms, event, ...args) {
      emitter.to(rooms).emit(event, ...args);
    },
    join(fromRoom, room) {
      emitter.in(fromRoom).socketsJoin(room);
    },
    leave(fromRoom, room) {
      emitter.in(fromRoom).socketsLeave(room);
    },
    resyncAll(afterId) {
      emitter.emit('timeline:resync', afterId === undefined ? {} : { afterId });
    },
    endSessions(sessionIds) {
      emitter.serverSideEmit(SESSION_ENDED, sessionEndedPayload(sessionIds));
    },
  };
}
