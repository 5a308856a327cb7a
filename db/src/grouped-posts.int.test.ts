import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, availableBackends, createTestDatabase } from './testing';

/**
 * The simulator's posts commit in groups (group-commit.ts): posts that arrive
 * while a group is in flight go out together, as one statement and one
 * commit. Each post must still get its own answer: its own message, or "not
 * found" for an unknown author, without failing the others. That groups
 * keep commit order is checked in message-order.int.test.ts.
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
    // Concurrent posts record `latest` in commit order, as before grouping: the last group to commit
    // wins, so after a burst it is one of the burst's values. A post after it (the simulator sends one
    // at a time) records its own, an unknown author's too.
    const afterBurst = await test.db.simulator.getLatest();
    expect(afterBurst >= 1 && afterBurst <= 40).toBe(true);
    await test.db.messages.postAs('ann', 'after the burst', { latest: 41 });
    expect(await test.db.simulator.getLatest()).toBe(41);
    await expect(test.db.messages.postAs('nobody', 'no author', { latest: 42 })).rejects.toMatchObject({
      id: 'user.not_found',
    });
    expect(await test.db.simulator.getLatest()).toBe(42);
  });
});
