import type { TimelineMessage } from '@minitwit/db';

/**
 * What the writers (api, web, the flag tool) tell the live timelines, always
 * after the write has committed. Implementations: in-process (no REDIS_URL)
 * and Redis (the socket.io emitter); a no-op one for processes without
 * live timelines.
 */
export interface TimelinePublisher {
  messagePosted(message: TimelineMessage): void;
  followChanged(change: { whoId: number; whomId: number; following: boolean }): void;
  messagesFlagged(messages: readonly { id: number; authorId: number }[]): void;
  /** A session ended (sign-out): its sockets, on every server, are disconnected. `sessionId` is `sessionIdOf(token)`. */
  sessionEnded(sessionId: string): void;
}

export const noopPublisher: TimelinePublisher = {
  messagePosted() {},
  followChanged() {},
  messagesFlagged() {},
  sessionEnded() {},
};
