import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { decodeCursor } from './domain/cursor';
import { availableBackends } from './testing';
import { useTestDatabase } from './use-test-database';

describe.each(availableBackends())('domain operations on %s PostgreSQL', (backend) => {
  const db = useTestDatabase(backend);

  const register = (username: string) =>
    db().users.register({ username, email: `${username.length}@example.com`, password: `pw-${username}` });

  it('registers with a hashed password and checks logins with the contract texts', async () => {
    const ada = await register('ada lovelace');
    expect(ada).toMatchObject({ username: 'ada lovelace', email: '12@example.com' });
    const [row] = await db().sql<{ pw_hash: string }>(`select "pw_hash" from "users" where "id" = $1`, [ada.id]);
    expect(row?.pw_hash).toMatch(/^\$argon2id\$/);
    expect(row?.pw_hash).not.toContain('pw-ada');
    await expect(db().users.checkLogin('ada lovelace', 'pw-ada lovelace')).resolves.toEqual(ada);
    await expect(db().users.checkLogin('ada lovelace', 'wrong')).rejects.toThrow('Invalid password');
    await expect(db().users.checkLogin('Ada Lovelace', 'pw-ada lovelace')).rejects.toThrow('Invalid username');
    await expect(register('ada lovelace')).rejects.toThrow('The username is already taken');
  });

  it('pages timelines newest first with cursors that stay put while messages arrive', async () => {
    const bob = await register('bob');
    for (let i = 1; i <= 7; i++) await db().messages.post(bob.id, `bob ${i}`);
    const first = await db().timelines.page({ kind: 'user', userId: bob.id }, { limit: 3 });
    expect(first.messages.map((m) => m.text)).toEqual(['bob 7', 'bob 6', 'bob 5']);
    expect(first.nextCursor).not.toBeNull();
    await db().messages.post(bob.id, 'bob 8 (arrives while reading)');
    const second = await db().timelines.page(
      { kind: 'user', userId: bob.id },
      { limit: 3, before: decodeCursor(first.nextCursor as string) },
    );
    expect(second.messages.map((m) => m.text)).toEqual(['bob 4', 'bob 3', 'bob 2']);
    const third = await db().timelines.page(
      { kind: 'user', userId: bob.id },
      { limit: 3, before: decodeCursor(second.nextCursor as string) },
    );
    expect(third.messages.map((m) => m.text)).toEqual(['bob 1']);
    expect(third.nextCursor).toBeNull();
  });

  it('orders by pub_date then id, and hides flagged messages everywhere', async () => {
    const carol = await register('carol');
    const a = await db().messages.post(carol.id, 'carol a');
    const b = await db().messages.post(carol.id, 'carol b');
    // Same timestamp: id breaks the tie.
    await db().sql(`update "messages" set "pub_date" = $1 where "id" = any($2::int[])`, [a.pubDate, [a.id, b.id]]);
    const page = await db().timelines.page({ kind: 'user', userId: carol.id }, { limit: 10 });
    expect(page.messages.map((m) => m.id)).toEqual([b.id, a.id]);

    expect(await db().messages.flag([b.id, b.id])).toEqual([{ id: b.id, authorId: carol.id, mentionedIds: [] }]);
    expect(await db().messages.flag([b.id])).toEqual([]);
    for (const scope of [{ kind: 'public' } as const, { kind: 'user', userId: carol.id } as const]) {
      const ids = (await db().timelines.page(scope, { limit: 100 })).messages.map((m) => m.id);
      expect(ids).toContain(a.id);
      expect(ids).not.toContain(b.id);
    }
    expect((await db().timelines.since({ kind: 'public' }, a.id - 1, 10)).map((m) => m.id)).toEqual([a.id]);
  });

  it('builds My Timeline from the follow graph; follows are idempotent and by name', async () => {
    const dan = await register('dan');
    const eve = await register('eve ✨');
    const fay = await register('fay');
    await db().messages.post(eve.id, 'from eve');
    await db().messages.post(fay.id, 'from fay');
    await db().messages.post(dan.id, 'from dan');

    expect(await db().follows.follow('dan', 'eve ✨')).toEqual({ whoId: dan.id, whomId: eve.id, changed: true });
    expect(await db().follows.follow('dan', 'eve ✨')).toEqual({ whoId: dan.id, whomId: eve.id, changed: false });
    expect(await db().follows.follow('dan', 'dan')).toMatchObject({ changed: false });
    await expect(db().follows.follow('dan', 'nobody')).rejects.toThrow('User not found');
    expect(await db().follows.isFollowing(dan.id, eve.id)).toBe(true);
    expect(await db().follows.followedIds(dan.id)).toEqual([eve.id]);

    const home = await db().timelines.page({ kind: 'home', userId: dan.id }, { limit: 10 });
    expect(home.messages.map((m) => m.text)).toEqual(['from dan', 'from eve']);
    expect(home.messages[1]?.author).toEqual({ id: eve.id, username: 'eve ✨', email: eve.email });

    expect(await db().follows.unfollow('dan', 'eve ✨')).toMatchObject({ changed: true });
    expect(await db().follows.unfollow('dan', 'eve ✨')).toMatchObject({ changed: false });
    const after = await db().timelines.page({ kind: 'home', userId: dan.id }, { limit: 10 });
    expect(after.messages.map((m) => m.text)).toEqual(['from dan']);
  });

  it('keeps server-side sessions that end on destroy and on expiry', async () => {
    const gus = await register('gus');
    const token = await db().sessions.create(gus.id, 60_000);
    expect(await db().sessions.userFor(token)).toEqual(gus);
    expect(await db().sessions.userFor(`${token}x`)).toBeNull();
    await db().sessions.destroy(token);
    expect(await db().sessions.userFor(token)).toBeNull();
    const expired = await db().sessions.create(gus.id, -1);
    expect(await db().sessions.userFor(expired)).toBeNull();
    expect(await db().sessions.purgeExpired()).toBeGreaterThanOrEqual(1);
  });

  it('stores latest and counts the business figures', async () => {
    expect(await db().simulator.getLatest()).toBe(0);
    await db().simulator.setLatest(9_007_199_254_740_991);
    expect(await db().simulator.getLatest()).toBe(9_007_199_254_740_991);
    const counts = await db().stats.counts();
    expect(counts.users).toBeGreaterThanOrEqual(6);
    expect(counts.follows).toBe(0);
    expect(counts.latest).toBe(9_007_199_254_740_991);
  });
});

describe('the embedded database', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'minitwit-restart-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  // Two cold starts of PGlite (WASM) and its migrations: slow on a busy two-core machine.
  it('persists users, messages and latest across a restart', { timeout: 240_000 }, async () => {
    const first = await openDatabase({ dataDir });
    const user = await first.users.register({ username: 'persistent', email: 'p@example.com', password: 'pw' });
    await first.messages.postAs('persistent', 'still here', { latest: 1234 });
    await first.close();

    const second = await openDatabase({ dataDir });
    try {
      expect(await second.simulator.getLatest()).toBe(1234);
      const page = await second.timelines.page({ kind: 'user', userId: user.id }, { limit: 5 });
      expect(page.messages.map((m) => m.text)).toEqual(['still here']);
      expect(second.embedded).toBe(true);
    } finally {
      await second.close();
    }
  });
});
