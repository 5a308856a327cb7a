import type { RemovedMessage } from '../domain/messages';
import type { TimelineMessage } from '../domain/timelines';

/**
 * The port through which the commands (./commands.ts), and only they, tell the
 * live timelines what a committed write means. It lives beside the commands so
 * that db depends on no transport: realtime implements it — in-process (no
 * REDIS_URL) and Redis (the socket.io emitter) — and a no-op one serves
 * processes without live timelines.
 */
export interface TimelinePublisher {
  messagePosted(message: TimelineMessage): void;
  followChanged(change: { whoId: number; whomId: number; following: boolean }): void;
  /** Flagged or deleted: each with its author and mentions, which say what timelines showed it. */
  messagesFlagged(messages: readonly RemovedMessage[]): void;
  /**
   * Sessions ended (sign-out, or sign-out everywhere: all of a user's): their
   * sockets, on every server, are disconnected. Each id is `sessionIdOf(token)`.
   */
  sessionEnded(sessionIds: string | readonly string[]): void;
  /**
   * A write failed because the database went away while it ran (a failover
   * cut the connection): it may have committed without its answer arriving,
   * so it was never published. Open pages are told to re-read from before it
   * once a later publish goes through, which follows a commit on the
   * database that is back. Only the Redis publisher does this; in one process
   * the database is the embedded one, which has no failover.
   */
  writeOutcomeUnknown?(): void;
  /**
   * Resolves once the transport has taken every publish handed over so far,
   * or after a short bound (true when taken); it never rejects. The commands
   * answer a write only then, so a write whose replica vanishes next is not
   * acknowledged without having gone out. Only the Redis publisher has it: in
   * one process, publishing is the fan-out itself and is done on return.
   */
  publishesTaken?(): Promise<boolean>;
}

export const noopPublisher: TimelinePublisher = {
  messagePosted() {},
  followChanged() {},
  messagesFlagged() {},
  sessionEnded() {},
};
