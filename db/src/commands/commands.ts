import type { Database } from '../database';
import type { FollowChange } from '../domain/follows';
import type { DeleteOutcome, FormPostResult } from '../domain/messages';
import { sessionIdOf } from '../domain/sessions';
import type { TimelineMessage } from '../domain/timelines';
import { isDatabaseUnavailable } from '../fail-fast';
import type { TimelinePublisher } from './publisher-port';

/**
 * The writes that live timelines must hear about, each as one command: the
 * write, then — only once it has committed — what it means to the open pages,
 * told through the publisher port. The api's routes, the web's actions and
 * the flag tool are adapters over these; nothing else calls the publisher
 * (commands-own-publishing.test.ts checks the source tree).
 *
 * A write cut off by a database that went away (a failover) may have
 * committed without its answer arriving, so it was never published: the
 * command says so (`writeOutcomeUnknown`) and open pages re-read from before
 * it once a later publish goes through. The error still reaches the caller,
 * which answers 503.
 */
/**
 * A simulator write's options: the `latest` it records in the same statement,
 * and `acknowledge`, called once the write has committed and its publish has
 * gone out (`announce` below).
 */
export interface SimulatorWrite {
  latest?: number;
  acknowledge?: () => void;
}

export interface Commands {
  /** The web's post of one rendered form: a replayed token records nothing and publishes nothing. */
  postMessage(authorId: number, text: string, formToken: string): Promise<FormPostResult>;
  /** The simulator's post. */
  postMessageAs(username: string, text: string, options?: SimulatorWrite): Promise<TimelineMessage>;
  follow(who: string, whom: string, options?: SimulatorWrite): Promise<FollowChange>;
  unfollow(who: string, whom: string, options?: SimulatorWrite): Promise<FollowChange>;
  /** An operator hides messages; returns those newly flagged (the only ones published). */
  flag(ids: readonly number[]): Promise<{ id: number; authorId: number }[]>;
  /** The author deletes one of their messages; open pages drop it as they drop a flagged one. */
  deleteOwnMessage(authorId: number, messageId: number): Promise<DeleteOutcome>;
  /** Sign-out: the session ends, and with it its live sockets on every realtime server. */
  endSession(token: string): Promise<void>;
  /** Sign-out everywhere: every session of the user ends; returns their ids. */
  endAllSessions(userId: number): Promise<string[]>;
}

/**
 * Where a command gets its publisher: a fixed one (api, flag tool) or one
 * made on first use (the web opens its Redis connection lazily). It is asked
 * only after a write, so a publisher that is slow to connect never delays one.
 */
export type PublisherSource = () => TimelinePublisher | Promise<TimelinePublisher>;

export function createCommands(db: Database, publisher: PublisherSource): Commands {
  /** Runs a write; when the database went away under it, its outcome is unknown and pages are told. */
  async function write<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isDatabaseUnavailable(error)) (await publisher()).writeOutcomeUnknown?.();
      throw error;
    }
  }

  /**
   * Tells open pages what a committed write means, then lets its caller
   * answer. Through Redis the answer waits (bounded) until Redis has taken the
   * publish: answered first, a write whose replica's host vanished a moment
   * later was acknowledged and never shown live, and the publisher that would
   * have told pages to resync was gone too. In one process the publish is the
   * fan-out to every open socket itself, so the caller is answered first (the
   * simulator gives up after 0.3 s).
   */
  async function announce(tell: (target: TimelinePublisher) => void, acknowledge?: () => void): Promise<void> {
    const target = await publisher();
    if (!target.publishesTaken) {
      acknowledge?.();
      tell(target);
      return;
    }
    tell(target);
    await target.publishesTaken();
    acknowledge?.();
  }

  async function changeFollow(
    change: () => Promise<FollowChange>,
    following: boolean,
    acknowledge?: () => void,
  ): Promise<FollowChange> {
    const result = await write(change);
    // A no-op (already following, or not following) moves no socket, and is answered all the same.
    if (!result.changed) acknowledge?.();
    else
      await announce(
        (target) => target.followChanged({ whoId: result.whoId, whomId: result.whomId, following }),
        acknowledge,
      );
    return result;
  }

  return {
    async postMessage(authorId, text, formToken) {
      const posted = await write(() => db.messages.postOnce(authorId, text, formToken));
      // A replay answers as the first submit did; its message was published then.
      if (!posted.replayed) await announce((target) => target.messagePosted(posted.message));
      return posted;
    },

    async postMessageAs(username, text, { latest, acknowledge } = {}) {
      const message = await write(() => db.messages.postAs(username, text, { latest }));
      await announce((target) => target.messagePosted(message), acknowledge);
      return message;
    },

    follow: (who, whom, { latest, acknowledge } = {}) =>
      changeFollow(() => db.follows.follow(who, whom, { latest }), true, acknowledge),
    unfollow: (who, whom, { latest, acknowledge } = {}) =>
      changeFollow(() => db.follows.unfollow(who, whom, { latest }), false, acknowledge),

    async flag(ids) {
      const flagged = await write(() => db.messages.flag(ids));
      await announce((target) => target.messagesFlagged(flagged));
      return flagged;
    },

    async deleteOwnMessage(authorId, messageId) {
      const result = await write(() => db.messages.deleteOwn(authorId, messageId));
      if (result.outcome === 'deleted') await announce((target) => target.messagesFlagged([result.message]));
      return result;
    },

    async endSession(token) {
      await write(() => db.sessions.destroy(token));
      await announce((target) => target.sessionEnded(sessionIdOf(token)));
    },

    async endAllSessions(userId) {
      const ended = await write(() => db.sessions.destroyAllOf(userId));
      await announce((target) => target.sessionEnded(ended));
      return ended;
    },
  };
}
