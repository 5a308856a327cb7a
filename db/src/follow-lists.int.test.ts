import { describe, expect, it } from 'vitest';
import { availableBackends } from './testing';
import { useTestDatabase } from './use-test-database';

/** Issue 22 item 12: a profile's counts and its followers/following lists, paged by a keyset cursor. */
describe.each(availableBackends())('follow counts and lists on %s PostgreSQL', (backend) => {
  const db = useTestDatabase(backend);

  const register = (username: string) =>
    db().users.register({
      username,
      email: `${username.replaceAll(' ', '.')}@example.com`,
      password: `pw-${username}`,
    });

  it('counts followers and following, and follows the graph as it changes', async () => {
    const star = await register('star');
    const fans = [];
    for (const name of ['fan a', 'fan b', 'fan c']) fans.push(await register(name));
    expect(await db().follows.counts(star.id)).toEqual({ followers: 0, following: 0 });
    for (const fan of fans) await db().follows.follow(fan.username, 'star');
    await db().follows.follow('star', 'fan b');
    expect(await db().follows.counts(star.id)).toEqual({ followers: 3, following: 1 });
    expect(await db().follows.counts(fans[1]!.id)).toEqual({ followers: 1, following: 1 });
    await db().follows.unfollow('fan a', 'star');
    await db().follows.follow('fan c', 'star'); // a no-op
    expect(await db().follows.counts(star.id)).toEqual({ followers: 2, following: 1 });
  });

  it('pages both lists in id order with a cursor that stays put while the list grows', async () => {
    const hub = await register('hub');
    const users = [];
    for (let i = 1; i <= 5; i++) users.push(await register(`user ${i}`));
    for (const user of users) {
      await db().follows.follow(user.username, 'hub');
      await db().follows.follow('hub', user.username);
    }
    for (const list of ['followers', 'following'] as const) {
      const first = await db().follows.listPage(list, hub.id, { limit: 2 });
      expect(first.users.map((u) => u.username)).toEqual(['user 1', 'user 2']);
      expect(first.nextAfter).toBe(users[1]!.id);
      const second = await db().follows.listPage(list, hub.id, { limit: 2, after: first.nextAfter! });
      expect(second.users.map((u) => u.username)).toEqual(['user 3', 'user 4']);
      const last = await db().follows.listPage(list, hub.id, { limit: 2, after: second.nextAfter! });
      expect(last.users.map((u) => u.username)).toEqual(['user 5']);
      expect(last.nextAfter).toBeNull();
      expect(last.users[0]).toMatchObject({ id: users[4]!.id, email: 'user.5@example.com' });
    }
  });

  it('reads the counts and a page from the indexes, not by sorting every follower', async () => {
    // Each read and the index that must serve it, with both columns in its condition (a range, not a filter).
    const reads = [
      [`select count(*) from "followers" where "whom_id" = 1`, 'followers_whom_who_idx', /whom_id = 1/],
      [
        `select "who_id" from "followers" where "whom_id" = 1 and "who_id" > 0 order by "who_id" limit 31`,
        'followers_whom_who_idx',
        /Index Cond: \(\(whom_id = 1\) AND \(who_id > 0\)\)/,
      ],
      [
        `select "whom_id" from "followers" where "who_id" = 1 and "whom_id" > 0 order by "whom_id" limit 31`,
        'followers_pkey',
        /Index Cond: \(\(who_id = 1\) AND \(whom_id > 0\)\)/,
      ],
    ] as const;
    for (const [query, index, condition] of reads) {
      // On a table this small the planner prefers other paths: shut them off, so what is left shows what the indexes allow.
      const rows = await db()
        .orm.em.fork()
        .transactional(async (em) => {
          await em.execute(`set local enable_seqscan = off`);
          await em.execute(`set local enable_bitmapscan = off`);
          return em.execute<{ 'QUERY PLAN': string }[]>(`explain ${query}`);
        });
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan, query).toMatch(new RegExp(`Index Only Scan using "?${index}"?`));
      expect(plan, query).toMatch(condition);
      expect(plan, query).not.toMatch(/Sort/);
    }
  });
});
