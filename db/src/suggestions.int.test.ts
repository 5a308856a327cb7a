import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suggestionStatement } from './domain/suggestions';
import { type TestDatabase, availableBackends, createTestDatabase } from './testing';

/** Who to follow: the most active recent authors, never the viewer or whom they already follow. */
describe.each(availableBackends())('follow suggestions on %s PostgreSQL', (backend) => {
  let test: TestDatabase;
  const db = () => test.db;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    test = await createTestDatabase(backend);
    for (const name of ['viewer', 'busy', 'steady', 'quiet', 'followed', 'hidden', 'old']) {
      ids[name] = (await db().users.register({ username: name, email: `${name}@example.com`, password: 'pw' })).id;
    }
    await db().follows.follow('viewer', 'followed');
    const post = async (name: string, times: number) => {
      for (let n = 0; n < times; n++) await db().messages.post(ids[name]!, `${name} ${n}`);
    };
    // 'old' wrote most of all, but before the window; everyone else after.
    await post('old', 8);
    await post('viewer', 6);
    await post('followed', 6);
    await post('busy', 4);
    await post('steady', 2);
    await post('quiet', 1);
    // The newest of all, but hidden by moderation.
    await post('hidden', 5);
    const flagged = await db().sql<{ id: number }>(`select "id" from "messages" where "author_id" = $1`, [ids.hidden]);
    await db().messages.flag(flagged.map((row) => row.id));
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('lists the most active recent authors first, without the viewer, whom they follow, or flagged messages', async () => {
    const names = (await db().suggestions.whoToFollow(ids.viewer!, 5, 20)).map((author) => author.username);
    // The window (the 20 newest visible) holds followed 6 (skipped), viewer 6 (skipped), busy 4, steady 2, quiet 1, old 1.
    expect(names).toEqual(['busy', 'steady', 'quiet', 'old']);
  });

  it('is bounded by the limit, and counts the recent messages', async () => {
    const top = await db().suggestions.whoToFollow(ids.viewer!, 1, 20);
    expect(top).toEqual([expect.objectContaining({ username: 'busy', recentMessages: 4 })]);
  });

  it('suggests whom the viewer followed once they unfollow', async () => {
    await db().follows.unfollow('viewer', 'followed');
    const names = (await db().suggestions.whoToFollow(ids.viewer!, 5, 20)).map((author) => author.username);
    expect(names[0]).toBe('followed');
    await db().follows.follow('viewer', 'followed');
  });

  it('reads the window from the public index, not the whole table', async () => {
    // Enough rows that a sequential scan would be the planner's choice if the index did not fit.
    await db().sql(
      `insert into "messages" ("author_id", "text", "pub_date", "flagged")
       select $1::int, 'filler', timestamptz '2020-01-01Z' + make_interval(secs => g), false
       from generate_series(1, 20000) g`,
      [ids.old],
    );
    await db().sql('analyze "messages"');
    const rows = await db().sql<{ 'QUERY PLAN': string }>(`explain ${suggestionStatement}`, [ids.viewer, 5, 500]);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Only Scan using "?messages_public_author_idx"? on "?messages"?/);
    expect(plan).not.toMatch(/Seq Scan on "?messages"?/);
  });
});
