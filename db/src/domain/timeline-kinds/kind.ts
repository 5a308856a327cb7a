import type { z } from 'zod';
import type { Params } from '../timeline-sql';
import type { HomeTuning } from './home';

/**
 * One kind of timeline (public, one user's, My Timeline, mentions): everything
 * that must agree about it, in one module — which requests a page may make,
 * whether it needs a signed-in viewer, the rooms its sockets sit in, the
 * rooms a message goes to, and the statements that read its pages and its
 * catch-up. The registry (registry.ts) lists the kinds; the database reader,
 * the realtime subscription, the publisher and the metrics iterate over it.
 * `timeline-kinds.int.test.ts` checks, for every kind, that the page query
 * and the rooms pick the same messages.
 */
export interface TimelineKind<Request extends { kind: string }, Scope extends { kind: string }> {
  /** What a browser may ask for (`timeline:subscribe`), validated. The viewer never comes from here. */
  readonly request: z.ZodType<Request>;
  /** Only a signed-in viewer may watch it; its scope is then about that viewer. */
  readonly needsViewer: boolean;
  /** The scope the database reads for a request; `viewerId` is the session's user (non-null when `needsViewer`). */
  scopeFor(request: Request, viewerId: number | null): Scope;
  /** Puts a socket showing `scope` into its rooms (and nothing else). */
  join(scope: Scope, membership: RoomMembership, reads: JoinReads): Promise<void>;
  /** The rooms a new or removed message goes to for this kind. */
  messageRooms(message: MessageAddress): string[];
  /**
   * For kinds whose rooms follow the follow graph: the room whose sockets move
   * (`members`) into or out of `room` when `whoId` follows or unfollows `whomId`.
   */
  followMove?(change: { whoId: number; whomId: number }): { members: string; room: string };
  /** A page, newest first (pub_date, id descending), `limit` rows older than `before`. */
  page(scope: Scope, query: PageQuery): string;
  /** The catch-up: the `limit` lowest ids above `afterId`, shown oldest first. */
  since(scope: Scope, query: SinceQuery): string;
}

/** What decides where a message goes: its author and whom it mentions. */
export interface MessageAddress {
  authorId: number;
  mentionedIds: readonly number[];
}

/** A socket's room moves, as the realtime server makes them. */
export interface RoomMembership {
  join(rooms: readonly string[]): Promise<void>;
  leave(rooms: readonly string[]): Promise<void>;
}

/** The reads a join may need. */
export interface JoinReads {
  followedIds(userId: number): Promise<number[]>;
}

interface Query {
  params: Params;
  tuning: HomeTuning;
  /** Placeholder of the row count. */
  limit: string;
}

export interface PageQuery extends Query {
  /** `(pub_date, id)` below the cursor on the given alias, or '' on page 1. */
  before: (alias: string) => string;
}

export interface SinceQuery extends Query {
  /** Placeholder of the id the catch-up starts after. */
  afterId: string;
}

/**
 * Ids are PostgreSQL `integer`s. A larger number is the client's mistake, not a
 * database failure: checked at the request it is answered `invalid`, where the database
 * would refuse it and fill the error log with stacks (issue 19 finding 6).
 */
export const MAX_ID = 2_147_483_647;

/** The viewer of a kind that needs one; the registry's callers check `needsViewer` first. */
export function requireViewer(viewerId: number | null): number {
  if (viewerId === null) throw new Error('this timeline needs a signed-in viewer');
  return viewerId;
}
