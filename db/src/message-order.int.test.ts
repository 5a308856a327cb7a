import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST_BY_AUTHOR_ID } from './domain/messages';
import { type TestDatabase, createTestDatabase, postgresUrl } from './testing';

if (!postgresUrl) console.warn('SKIPPED: message commit-order test — DATABASE_URL is not set');

/**
 * Live pages resume from the newest message id they show, so ids must be
 * handed out in commit order: a message whose id is lower than one a page
 * already has must not commit after it. Two writers on two connections, the
 * first holding its transaction open (a slow commit, as under load). Only real
 * PostgreSQL has concurrent writers; the embedded database has one connection.
 */
describe.skipIf(!postgresUrl)('message ids on PostgreSQL', () => {
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

  it('are handed out in commit order: a post waits for an earlier uncommitted one', async () => {
    const author = await test.db.users.register({ username: 'ordered', email: 'o@example.com', password: 'pw' });
    await writer.query('begin');
    const slow = await writer.query<{ id: number }>(POST_BY_AUTHOR_ID, [author.id, 'drawn first, committed late', []]);
    const slowId = slow.rows[0]!.id;

    let settled = false;
    const fast = test.db.messages.post(author.id, 'drawn second').finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Had it committed now, a page showing it would resume past the uncommitted lower id for good.
    expect(settled).toBe(false);

    await writer.query('commit');
    const second = await fast;
    expect(second.id).toBeGreaterThan(slowId);
    const page = await test.db.timelines.since({ kind: 'user', userId: author.id }, 0, 10);
    expect(page.map((message) => message.id)).toEqual([slowId, second.id]);
  });

  it("stay in commit order for the simulator's posts, which go out in a few groups, not one commit each", async () => {
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
