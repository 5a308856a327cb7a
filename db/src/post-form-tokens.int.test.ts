import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { availableBackends } from './testing';
import { useTestDatabase } from './use-test-database';

/** Issue 22, item 2: one rendered post form records at most one message, however often it is submitted. */
describe.each(availableBackends())('posts with a form token on %s PostgreSQL', (backend) => {
  const db = useTestDatabase(backend);

  const register = (username: string) =>
    db().users.register({ username, email: `${username}@example.com`, password: `pw-${username}` });
  const countOf = async (authorId: number) =>
    (
      await db().sql<{ n: number }>(`select count(*)::int as "n" from "messages" where "author_id" = $1`, [authorId])
    )[0]!.n;

  it('a second submit of the same token records nothing and answers with the first message', async () => {
    const ada = await register('ada');
    const token = randomUUID();
    const first = await db().messages.postOnce(ada.id, 'hello once', token);
    expect(first.replayed).toBe(false);
    const again = await db().messages.postOnce(ada.id, 'hello once', token);
    expect(again).toEqual({ replayed: true, message: first.message });
    expect(await countOf(ada.id)).toBe(1);
    // A new form is a new post.
    expect((await db().messages.postOnce(ada.id, 'hello once', randomUUID())).replayed).toBe(false);
    expect(await countOf(ada.id)).toBe(2);
  });

  it('concurrent submits of one token record one message', async () => {
    const bob = await register('bob');
    const token = randomUUID();
    const results = await Promise.all([1, 2, 3, 4].map(() => db().messages.postOnce(bob.id, 'racing', token)));
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await countOf(bob.id)).toBe(1);
  });

  it('a refused post does not use up its token, and tokens are per author', async () => {
    const carol = await register('carol');
    const dave = await register('dave');
    const token = randomUUID();
    await expect(db().messages.postOnce(carol.id, '   ', token)).rejects.toThrow();
    expect((await db().messages.postOnce(carol.id, 'now with text', token)).replayed).toBe(false);
    expect((await db().messages.postOnce(dave.id, 'same token, other author', token)).replayed).toBe(false);
  });

  it('a token that is not a UUID posts as before', async () => {
    const erin = await register('erin');
    await db().messages.postOnce(erin.id, 'old page', 'not-a-token');
    await db().messages.postOnce(erin.id, 'old page', 'not-a-token');
    expect(await countOf(erin.id)).toBe(2);
  });
});
