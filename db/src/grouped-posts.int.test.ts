import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST_BY_AUTHOR_ID } from './domain/messages';
import { type TestDatabase, availableBackends, createTestDatabase, postgresUrl } from './testing';

if (!postgresUrl) console.warn('SKIPPED: grouped posts behind a held insert lock — DATABASE_URL is not set');

/**
 * The simulator's posts commit in groups (group-commit.ts): posts that arrive
 * while a group is in flight go out together, as one statement and one
 * commit. Each post must still get its own answer: its own message, or "not
 * found" for an unknown author, without failing the others.
 */
describe.each(availableBackends())('grouped simulator posts (%s)', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(backend);
    for (const name of ['ann', 'bob', 'cyd'])
      await test.db.users.register({ username: name, email: `${name}@example.com`, password: 'pw' });
  });
  afterAll(() => test?.dispose());

  it('answers each post of a concurrent burst with its own message, mentions and author; unknown authors alone fail', async () => {
    const authors = ['ann', 'bob', 'cyd', 'nobody'];
    const posts = Array.from({ length: 40 }, (_, index) => {
      const author = authors[index % authors.length]!;
      const text = `post ${index} for @${authors[(index + 1) % 3]}`;
      return { author, text, result: test.db.messages.postAs(author, text, { latest: index + 1 }) };
    });
    const settled = await Promise.allSettled(posts.map((post) => post.result));

    const ids = new Set<number>();
    settled.forEach((outcome, index) => {
      const post = posts[index]!;
      if (post.author === 'nobody') {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({ id: 'user.not_found' });
        return;
      }
      expect(outcome.status).toBe('fulfilled');
      const message = (outcome as PromiseFulfilledResult<Awaited<typeof post.result>>).value;
      expect(message.text).toBe(post.text);
      expect(message.author.username).toBe(post.author);
      expect(message.mentions.map((user) => user.username)).toEqual([authors[(index + 1) % 3]]);
      ids.add(message.id);
    });
    expect(ids.size).toBe(30);

    const stored = await test.db.sql<{ id: number; text: string; mentioned: string[] }>(
      `select m."id", m."text", array(select u."username" from "mentions" x join "users" u on u."id" = x."user_id"
         where x."message_id" = m."id") as "mentioned" from "messages" m where m."id" = any($1::int[])`,
      [[...ids]],
    );
    expect(stored).toHaveLength(30);
    for (const row of stored) expect(row.mentioned).toEqual([row.text.slice(row.text.indexOf('@') + 1)]);
    // Posting them one after another would leave the last one's `latest`.
    expect(await test.db.simulator.getLatest()).toBe(40);
  });
});

describe.skipIf(!postgresUrl)('grouped simulator posts behind a held insert lock (PostgreSQL)', () => {
  let test: TestDatabase;
  let writer: pg.Client;
  beforeAll(async () => {
    test = await createTestDatabase('postgres');
    writer = new pg.Client({ connectionString: test.url });
    await writer.connect();
  });
  afterAll(async () => {
    await writer?.end();
    await test?.dispose();
  });

  it('go out in a few groups, not one commit each, and still commit after the earlier insert', async () => {
    const author = await test.db.users.register({ username: 'queued', email: 'q@example.com', password: 'pw' });
    // A web post holds the insert lock uncommitted: a slow commit, as under load.
    await writer.query('begin');
    const slow = await writer.query<{ id: number }>(POST_BY_AUTHOR_ID, [author.id, 'drawn first, committed late', []]);
    const slowId = slow.rows[0]!.id;

    let settled = 0;
    const posts = Array.from({ length: 20 }, (_, index) =>
      test.db.messages.postAs('queued', `queued ${index}`).finally(() => settled++),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(0);

    await writer.query('commit');
    const messages = await Promise.all(posts);
    expect(Math.min(...messages.map((message) => message.id))).toBeGreaterThan(slowId);
    // A transaction's rows share its start time: two groups went out at once (both waited on the
    // lock), and the other 18 posts followed as one more.
    const groups = await test.db.sql<{ groups: string }>(
      `select count(distinct "pub_date") as "groups" from "messages" where "id" = any($1::int[])`,
      [messages.map((message) => message.id)],
    );
    expect(Number(groups[0]!.groups)).toBe(3);
  });
});
