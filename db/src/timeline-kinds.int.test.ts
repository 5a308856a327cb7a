import { describe, expect, it } from 'vitest';
import { type Cursor, decodeCursor } from './domain/cursor';
import { addressOf } from './domain/timelines';
import type { TimelineKind } from './domain/timeline-kinds/kind';
import { roomsOfMessage, timelineKinds } from './domain/timeline-kinds/registry';
import { rooms } from './domain/timeline-kinds/rooms';
import { availableBackends } from './testing';
import { buildKindWorld, deliveredIds, everyScope, roomsJoined } from './testing-support/kind-world';
import { useTestDatabase } from './use-test-database';

/**
 * Issue 20: a kind's page query and the rooms its messages go to must pick
 * the same messages, or a live page shows what a reload drops (or the
 * reverse). Checked for every registered kind and every scope a page of the
 * world's users can ask for, on the real database: the page, the catch-up and
 * the rooms (what the publisher emits to, roomsOfMessage, met with the rooms
 * the kind's join put the socket in) agree.
 */
describe.each(availableBackends())('every timeline kind on %s PostgreSQL', (backend) => {
  const db = useTestDatabase(backend);

  it('shows in its page and catch-up exactly the messages its rooms deliver, for every scope', async () => {
    const world = await buildKindWorld(db(), 'k');
    const cases = everyScope(world.users.map((user) => user.id));
    // Every registered kind is exercised, and each one shows something somewhere.
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(timelineKinds().map(([name]) => name)));
    const nonEmpty = new Set<string>();
    for (const { kind, scope } of cases) {
      const page = (await db().timelines.page(scope, { limit: 100 })).messages.map((m) => m.id).sort((a, b) => a - b);
      const since = (await db().timelines.since(scope, 0, 100)).map((m) => m.id).sort((a, b) => a - b);
      const delivered = deliveredIds(world.visible, await roomsJoined(db(), scope), (m) =>
        roomsOfMessage(addressOf(m)),
      );
      expect({ scope, page }).toEqual({ scope, page: delivered });
      expect({ scope, since }).toEqual({ scope, since: delivered });
      // A hidden message reaches no page (its removal goes to the same rooms, see the next test).
      for (const hidden of world.hidden) expect(page).not.toContain(hidden.id);
      if (page.length > 0) nonEmpty.add(kind);
    }
    expect(nonEmpty).toEqual(new Set(timelineKinds().map(([name]) => name)));
  });

  it('sends a removal to the rooms its message went to, so every page that showed it drops it', async () => {
    const world = await buildKindWorld(db(), 'r');
    expect(world.removals.map((removal) => removal.id)).toEqual(world.hidden.map((message) => message.id));
    for (const [index, removal] of world.removals.entries()) {
      const posted = world.hidden[index]!;
      expect(removal.mentionedIds.length).toBeGreaterThan(0);
      expect(roomsOfMessage(removal).sort()).toEqual(roomsOfMessage(addressOf(posted)).sort());
    }
  });

  it('pages every scope of every kind by cursor, newest first, with nothing lost or repeated', async () => {
    const world = await buildKindWorld(db(), 'p');
    for (const { scope } of everyScope(world.users.map((user) => user.id))) {
      const whole = (await db().timelines.page(scope, { limit: 100 })).messages.map((m) => m.id);
      const walked: number[] = [];
      let before: Cursor | undefined;
      for (;;) {
        const page = await db().timelines.page(scope, { limit: 2, before });
        walked.push(...page.messages.map((m) => m.id));
        if (!page.nextCursor) break;
        before = decodeCursor(page.nextCursor);
      }
      expect({ scope, walked }).toEqual({ scope, walked: whole });
    }
  });

  it('catches a kind whose rooms disagree with its page', async () => {
    const world = await buildKindWorld(db(), 'x');
    // Mentions delivered to the author instead of the mentioned: the check above must fail on it.
    const broken: Pick<TimelineKind<{ kind: string }, { kind: string }>, 'messageRooms'> = {
      messageRooms: ({ authorId }) => [rooms.mentions(authorId)],
    };
    const scope = { kind: 'mentions' as const, userId: world.users[1]!.id };
    const page = (await db().timelines.page(scope, { limit: 100 })).messages.map((m) => m.id).sort((a, b) => a - b);
    const delivered = deliveredIds(world.visible, await roomsJoined(db(), scope), (m) =>
      broken.messageRooms(addressOf(m)),
    );
    expect(page.length).toBeGreaterThan(0);
    expect(delivered).not.toEqual(page);
  });

  it('resolves mentions at write time: known names only, returned with the message', async () => {
    const world = await buildKindWorld(db(), 'm');
    const [ada, bob, cy, dee, eve] = world.users;
    const mentioned = (index: number) => world.posted[index]!.mentions.map((user) => user.username).sort();
    expect(mentioned(0)).toEqual([bob!.username]);
    // `@ada,` is ada; the `@eve` inside an address is not a mention.
    expect(mentioned(1)).toEqual([ada!.username, cy!.username].sort());
    expect(mentioned(2)).toEqual([]);
    // An unknown name is no one; `@dee.` is dee.
    expect(mentioned(3)).toEqual([dee!.username]);
    // `(@ada)` is ada; `@bob@cy` is one token naming no one.
    expect(mentioned(4)).toEqual([ada!.username]);
    expect(world.posted[7]!.mentions).toEqual([{ id: cy!.id, username: cy!.username }]);
    // The simulator's post resolves them the same way.
    const viaApi = await db().messages.postAs(eve!.username, `hi @${ada!.username}!`);
    expect(viaApi.mentions).toEqual([{ id: ada!.id, username: ada!.username }]);
  });
});
