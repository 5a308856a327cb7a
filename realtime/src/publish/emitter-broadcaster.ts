import { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents } from '../contract';
import type { RedisClient } from '@minitwit/redis';
import { SESSION_ENDED, sessionEndedPayload } from '../server/session-end';
import { PUBLISHER_ALIVE, PUBLISHER_GONE } from '../server/publisher-presence';
import type { Broadcaster } from './broadcaster';

/** The emitter's broadcaster also says, for the realtime servers, that its publisher is alive or gone. */
export interface EmitterBroadcaster extends Broadcaster {
  presence(publisherId: string, alive: boolean): void;
}

/**
 * Broadcasts from a process without a Socket.IO server (api, web, the flag
 * tool) onto the channel the realtime servers' Redis adapter listens on.
 */
export function emitterBroadcaster(client: RedisClient, channel: string): EmitterBroadcaster {
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
    presence(publisherId, alive) {
      emitter.serverSideEmit(alive ? PUBLISHER_ALIVE : PUBLISHER_GONE, publisherId);
    },
  };
}
