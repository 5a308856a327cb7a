import type { Database } from '../database';
import type { RemovedMessage } from '../domain/messages';
import type { TimelineMessage } from '../domain/timelines';
import type { UserSummary } from '../domain/users';
import {
  type TimelineKindName,
  type TimelineRequest,
  type TimelineScope,
  kindNamed,
  timelineKinds,
} from '../domain/timeline-kinds/registry';

/** A scope of some kind, with the request a page makes for it and the viewer it is read for. */
export interface ScopeCase {
  kind: TimelineKindName;
  request: TimelineRequest;
  viewerId: number | null;
  scope: TimelineScope;
}

/**
 * Every scope of every registered kind that a page of one of `userIds` could
 * ask for: each kind's request schema is offered `{ kind }` and `{ kind,
 * userId }` for each user, as each user and signed out, and what it accepts
 * is a case. Nothing here names a kind, so a new kind is covered as soon as it
 * is registered.
 */
export function everyScope(userIds: readonly number[]): ScopeCase[] {
  const cases = new Map<string, ScopeCase>();
  for (const [name, kind] of timelineKinds()) {
    const offers = [{ kind: name }, ...userIds.map((userId) => ({ kind: name, userId }))];
    for (const viewerId of [null, ...userIds]) {
      if (kind.needsViewer && viewerId === null) continue;
      for (const offer of offers) {
        const parsed = kind.request.safeParse(offer);
        if (!parsed.success) continue;
        const scope = kind.scopeFor(parsed.data, viewerId);
        const key = JSON.stringify(scope);
        if (!cases.has(key)) cases.set(key, { kind: name, request: parsed.data, viewerId, scope });
      }
    }
  }
  return [...cases.values()];
}

/** The rooms a socket showing `scope` is put in, as its kind joins them. */
export async function roomsJoined(db: Database, scope: TimelineScope): Promise<Set<string>> {
  const joined = new Set<string>();
  await kindNamed(scope.kind).join(
    scope,
    {
      join: async (rooms) => void rooms.forEach((room) => joined.add(room)),
      leave: async (rooms) => void rooms.forEach((room) => joined.delete(room)),
    },
    { followedIds: (id) => db.follows.followedIds(id) },
  );
  return joined;
}

/** What the world tells live pages, as a writer's publisher does after each commit. */
export interface WorldPublisher {
  messagePosted(message: TimelineMessage): void;
  messagesFlagged(messages: readonly RemovedMessage[]): void;
}

/**
 * The people of a small world where every kind has something to show: five
 * users who follow some of each other.
 */
export async function registerKindWorld(db: Database, prefix: string) {
  const names = ['ada', 'bob', 'cy', 'dee', 'eve'].map((name) => `${prefix}${name}`);
  const users = [];
  for (const username of names)
    users.push(await db.users.register({ username, email: `${username}@example.com`, password: 'pw' }));
  const [ada, bob, cy, dee] = users as [UserSummary, UserSummary, UserSummary, UserSummary];
  await db.follows.follow(ada.username, bob.username);
  await db.follows.follow(cy.username, ada.username);
  await db.follows.follow(dee.username, bob.username);
  await db.follows.follow(dee.username, cy.username);
  return users;
}

/**
 * The world's messages: they mention each other (known and unknown names,
 * trailing punctuation, an address with an `@`); one is then flagged and one
 * deleted. Each write is published after it commits when `publisher` is given.
 */
export async function writeKindWorld(db: Database, users: readonly UserSummary[], publisher?: WorldPublisher) {
  const [ada, bob, cy, dee, eve] = users as [UserSummary, UserSummary, UserSummary, UserSummary, UserSummary];
  const texts: [number, string][] = [
    [ada.id, `hello @${bob.username}`],
    [bob.id, `@${cy.username} and @${ada.username}, see https://example.com/@${eve.username}`],
    [cy.id, 'nobody mentioned here'],
    [dee.id, `@nobody_${dee.username} and @${dee.username}.`],
    [eve.id, `(@${ada.username}) @${bob.username}@${cy.username}`],
    [bob.id, `flagged @${dee.username}`],
    [cy.id, `deleted @${eve.username}`],
    [eve.id, `last words for @${cy.username}`],
  ];
  const posted: TimelineMessage[] = [];
  for (const [authorId, text] of texts) {
    const message = await db.messages.post(authorId, text);
    publisher?.messagePosted(message);
    posted.push(message);
  }
  const flagged = posted[5]!;
  const deleted = posted[6]!;
  const removals = await db.messages.flag([flagged.id]);
  const deletion = await db.messages.deleteOwn(deleted.author.id, deleted.id);
  if (deletion.outcome === 'deleted') removals.push(deletion.message);
  publisher?.messagesFlagged(removals);
  return {
    visible: posted.filter((message) => message !== flagged && message !== deleted),
    hidden: [flagged, deleted],
    /** What the flag and the deletion reported, for the publisher's `messagesFlagged`. */
    removals,
    posted,
  };
}

/** The world, written without publishing. */
export async function buildKindWorld(db: Database, prefix: string) {
  const users = await registerKindWorld(db, prefix);
  return { users, ...(await writeKindWorld(db, users)) };
}

/** The ids of `messages` a socket in `joined` receives: those with a room in common with it. */
export function deliveredIds(
  messages: readonly TimelineMessage[],
  joined: ReadonlySet<string>,
  roomsOf: (message: TimelineMessage) => string[],
): number[] {
  return messages
    .filter((message) => roomsOf(message).some((room) => joined.has(room)))
    .map((message) => message.id)
    .sort((a, b) => a - b);
}
