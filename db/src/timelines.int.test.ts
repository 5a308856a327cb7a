import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor } from './domain/cursor';
import { TimelineReader, type TimelineScope } from './domain/timelines';
import { type TestDatabase, availableBackends, createTestDatabase, seededRandom } from './testing';

/**
 * The bounded timeline queries against the obvious definition of each
 * timeline (a plain filter over every message, computed here from the rows),
 * on a data set shaped to hit their edges: more authors than a page, dates
 * that tie and dates out of id order, flagged messages, a viewer who follows
 * nobody, follows that change.
 */
interface Row {
  id: number;
  authorId: number;
  pubMs: number;
  flagged: boolean;
}

const newestFirst = (a: Row, b: Row) => b.pubMs - a.pubMs || b.id - a.id;

describe.each(availableBackends())('bounded timelines on %s PostgreSQL', (backend) => {
  let test: TestDatabase;
  const db = () => test.db;
  const authors: number[] = [];
  let viewer = 0;
  let loner = 0;
  const followed = new Set<number>();

  beforeAll(async () => {
    test = await createTestDatabase(backend);
    const random = seededRandom(7);
    // 40 authors: more than any page below, so the cutoff step decides which authors count.
    await db().sql(
      `insert into "users" ("username", "email", "pw_hash")
       select 'author' || g, 'a' || g || '@example.com', 'x' from generate_series(1, 40) g`,
    );
    const users = await db().sql<{ id: number }>(`select "id" from "users" order by "id"`);
    authors.push(...users.map((user) => user.id));
    viewer = (await db().users.register({ username: 'viewer', email: 'v@example.com', password: 'pw' })).id;
    loner = (await db().users.register({ username: 'loner', email: 'l@example.com', password: 'pw' })).id;
    for (const id of authors.slice(0, 25)) {
      await db().follows.follow('viewer', `author${authors.indexOf(id) + 1}`);
      followed.add(id);
    }
    // Skewed: a few authors write most messages, some none; the viewer writes too.
    for (let n = 0; n < 240; n++) {
      const author = n % 9 === 0 ? viewer : (authors[Math.floor(authors.length * random() ** 2)] as number);
      await db().messages.post(author, `message ${n}`);
    }
    // Dates that tie (same second for many), and some out of id order, as under concurrent posts.
    const rows = await db().sql<{ id: number }>(`select "id" from "messages" order by "id"`);
    await db().sql(
      `update "messages" set "pub_date" = timestamptz '2026-01-01 00:00:00Z'
         + make_interval(secs => "id" / 3 - case when ("id" * 7919) % 10 = 0 then 2 else 0 end)`,
    );
    await db().messages.flag(rows.filter((_, i) => i % 11 === 5).map((row) => row.id));
  });
  afterAll(async () => {
    await test?.dispose();
  });

  async function allRows(): Promise<Row[]> {
    const rows = await db().sql<{ id: number; author_id: number; pub_ms: number; flagged: boolean }>(
      `select "id", "author_id", (extract(epoch from "pub_date") * 1000)::float8 as "pub_ms", "flagged" from "messages"`,
    );
    return rows.map((row) => ({ id: row.id, authorId: row.author_id, pubMs: row.pub_ms, flagged: row.flagged }));
  }

  /** The definition: visible messages of the scope, newest first. */
  async function expected(scope: TimelineScope): Promise<Row[]> {
    const follows =
      scope.kind === 'home' ? new Set([scope.userId, ...(await db().follows.followedIds(scope.userId))]) : null;
    return (await allRows())
      .filter((row) => !row.flagged)
      .filter((row) =>
        scope.kind === 'public' ? true : follows ? follows.has(row.authorId) : row.authorId === scope.userId,
      )
      .sort(newestFirst);
  }

  /**
   * The production reader, and two with thresholds shrunk to this data set:
   * one whose window is sometimes too small (so it falls back to the
   * per-author probes mid-walk), one whose window always holds the answer.
   */
  const readers = (): [string, TimelineReader][] => [
    ['default', db().timelines],
    ['small window', new TimelineReader(db().sql, { wideFollowing: 5, window: 40 })],
    ['large window', new TimelineReader(db().sql, { wideFollowing: 5, window: 100_000 })],
  ];

  async function walk(reader: TimelineReader, scope: TimelineScope, limit: number): Promise<number[]> {
    const ids: number[] = [];
    let before: string | null = null;
    for (let pages = 0; pages < 1000; pages++) {
      const page = await reader.page(scope, { limit, before: before ? decodeCursor(before) : undefined });
      expect(page.messages.length).toBeLessThanOrEqual(limit);
      ids.push(...page.messages.map((message) => message.id));
      before = page.nextCursor;
      if (!before) return ids;
      expect(page.messages).toHaveLength(limit);
    }
    throw new Error('paging did not end');
  }

  const scopes = (): [string, TimelineScope][] => [
    ['public', { kind: 'public' }],
    ['one author', { kind: 'user', userId: authors[0] as number }],
    ['My Timeline following 25', { kind: 'home', userId: viewer }],
    ['My Timeline following nobody', { kind: 'home', userId: loner }],
  ];

  // Hundreds of queries each: generous time on a busy two-core machine.
  it('pages every timeline newest first, each message exactly once, flagged hidden', { timeout: 300_000 }, async () => {
    for (const [name, scope] of scopes()) {
      const want = (await expected(scope)).map((row) => row.id);
      for (const [readerName, reader] of readers()) {
        for (const limit of [2, 7, 30]) {
          expect(await walk(reader, scope, limit), `${name}, ${readerName}, pages of ${limit}`).toEqual(want);
        }
      }
    }
    expect((await expected({ kind: 'home', userId: viewer })).length).toBeGreaterThan(60);
  });

  it('returns full messages with authors on My Timeline', async () => {
    const page = await db().timelines.page({ kind: 'home', userId: viewer }, { limit: 5 });
    const byId = new Map((await allRows()).map((row) => [row.id, row]));
    for (const message of page.messages) {
      const row = byId.get(message.id);
      expect(message.pubDate.getTime()).toBe(row?.pubMs);
      expect(message.author.username).toMatch(/^(author\d+|viewer)$/);
      expect(message.text).toMatch(/^message \d+$/);
    }
  });

  it(
    'catches up without gaps or duplicates, in display order, however small the batch',
    { timeout: 300_000 },
    async () => {
      for (const [name, scope] of scopes()) {
        const want = await expected(scope);
        const start = Math.min(...(await allRows()).map((row) => row.id)) + 17;
        const missed = want.filter((row) => row.id > start).map((row) => row.id);
        for (const [readerName, reader] of readers()) {
          for (const limit of [3, 50, 1000]) {
            const got: number[] = [];
            let after = start;
            for (let round = 0; round < 1000; round++) {
              const batch = await reader.since(scope, after, limit);
              expect(batch.length).toBeLessThanOrEqual(limit);
              // Oldest first by date, then id, like the pages.
              const order = [...batch].sort((a, b) => a.pubDate.getTime() - b.pubDate.getTime() || a.id - b.id);
              expect(batch.map((m) => m.id)).toEqual(order.map((m) => m.id));
              if (batch.length === 0) break;
              got.push(...batch.map((message) => message.id));
              // A live page resumes from the newest id it shows.
              after = Math.max(...batch.map((message) => message.id));
            }
            expect(
              [...got].sort((a, b) => a - b),
              `${name}, ${readerName}, batches of ${limit}`,
            ).toEqual([...missed].sort((a, b) => a - b));
          }
        }
      }
    },
  );

  it('follows and unfollows change My Timeline and its catch-up at once', async () => {
    const stranger = authors.find((id) => !followed.has(id)) as number;
    const name = `author${authors.indexOf(stranger) + 1}`;
    const post = await db().messages.post(stranger, 'from a stranger');
    const newest = async () =>
      (await db().timelines.page({ kind: 'home', userId: loner }, { limit: 1 })).messages.map((m) => m.id);
    expect(await newest()).not.toContain(post.id);
    expect(await db().timelines.since({ kind: 'home', userId: loner }, post.id - 1, 10)).toEqual([]);

    await db().follows.follow('loner', name);
    expect(await newest()).toEqual([post.id]);
    expect((await db().timelines.since({ kind: 'home', userId: loner }, post.id - 1, 10)).map((m) => m.id)).toEqual([
      post.id,
    ]);

    await db().follows.unfollow('loner', name);
    expect(await newest()).toEqual([]);

    await db().messages.flag([post.id]);
    expect((await db().timelines.since({ kind: 'public' }, post.id - 1, 10)).map((m) => m.id)).toEqual([]);
  });
});
