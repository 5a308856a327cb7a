import { describe, expect, it } from 'vitest';
import { availableBackends } from './testing';
import { useTestDatabase } from './use-test-database';

/** Issue 22 item 10: only the author deletes, and a deleted message is gone from every read. */
describe.each(availableBackends())('deleting a message on %s PostgreSQL', (backend) => {
  const db = useTestDatabase(backend);

  const register = (username: string) =>
    db().users.register({ username, email: `${username}@example.com`, password: `pw-${username}` });
  const row = async (id: number) =>
    (
      await db().sql<{ flagged: boolean; deleted: boolean; text: string }>(
        `select "flagged", "deleted_at" is not null as "deleted", "text" from "messages" where "id" = $1`,
        [id],
      )
    )[0];

  it('lets the author delete, and hides the message from pages, catch-up and the simulator reads', async () => {
    const ann = await register('ann');
    const ben = await register('ben');
    await db().follows.follow('ben', 'ann');
    const before = await db().messages.post(ann.id, 'before');
    const doomed = await db().messages.post(ann.id, 'doomed');
    const after = await db().messages.post(ann.id, 'after');

    expect(await db().messages.deleteOwn(ann.id, doomed.id)).toEqual({
      outcome: 'deleted',
      message: { id: doomed.id, authorId: ann.id, mentionedIds: [] },
    });
    expect(await row(doomed.id)).toEqual({ flagged: true, deleted: true, text: 'doomed' });

    const scopes = [
      { kind: 'public' },
      { kind: 'user', userId: ann.id },
      { kind: 'home', userId: ben.id },
      { kind: 'home', userId: ann.id },
    ] as const;
    for (const scope of scopes) {
      const page = (await db().timelines.page(scope, { limit: 30 })).messages.map((m) => m.id);
      expect(page).toEqual([after.id, before.id]);
      const since = (await db().timelines.since(scope, before.id - 1, 30)).map((m) => m.id);
      expect(since).toEqual([before.id, after.id]);
    }
    // Twice: already gone, nothing to publish again.
    expect(await db().messages.deleteOwn(ann.id, doomed.id)).toEqual({ outcome: 'not_found' });
  });

  it("refuses someone else's message and changes nothing", async () => {
    const cat = await register('cat');
    const dov = await register('dov');
    const kept = await db().messages.post(cat.id, 'kept');
    expect(await db().messages.deleteOwn(dov.id, kept.id)).toEqual({ outcome: 'not_yours' });
    expect(await row(kept.id)).toEqual({ flagged: false, deleted: false, text: 'kept' });
    const page = (await db().timelines.page({ kind: 'user', userId: cat.id }, { limit: 30 })).messages;
    expect(page.map((m) => m.id)).toEqual([kept.id]);
  });

  it('answers not_found for unknown and flagged messages, and a flag is not a deletion', async () => {
    const eli = await register('eli');
    const flagged = await db().messages.post(eli.id, 'flagged by an operator');
    await db().messages.flag([flagged.id]);
    expect(await db().messages.deleteOwn(eli.id, flagged.id)).toEqual({ outcome: 'not_found' });
    expect(await row(flagged.id)).toEqual({ flagged: true, deleted: false, text: 'flagged by an operator' });
    expect(await db().messages.deleteOwn(eli.id, 2_147_483_647)).toEqual({ outcome: 'not_found' });
  });

  it('publishes one removal when two deletes of the same message race', async () => {
    const fox = await register('fox');
    const raced = await db().messages.post(fox.id, 'raced');
    const outcomes = await Promise.all([1, 2, 3].map(() => db().messages.deleteOwn(fox.id, raced.id)));
    expect(outcomes.filter((outcome) => outcome.outcome === 'deleted')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.outcome === 'not_found')).toHaveLength(2);
  });
});
