import type { ServerToClientEvents } from '../contract';

export type EventName = keyof ServerToClientEvents;

/**
 * The three moves a publisher needs, whoever carries them: a local Socket.IO
 * server (its adapter reaches the other servers) or the Redis emitter.
 */
export interface Broadcaster {
  emit<E extends EventName>(rooms: string[], event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /** Every socket in `fromRoom`, on every server, joins `room`. */
  join(fromRoom: string, room: string): void;
  leave(fromRoom: string, room: string): void;
  /**
   * Every socket, on every server, is told to re-read what it may have missed
   * (`timeline:resync`), from `afterId` at the latest (see TimelineResync).
   */
  resyncAll(afterId?: number): void;
  /** Every socket opened with one of these web sessions, on every server, is disconnected. */
  endSessions(sessionIds: readonly string[]): void;
}
