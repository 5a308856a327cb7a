import { type DatabaseBackend, availableBackends } from '@minitwit/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { FollowChanged } from '../contract';
import { createUser, isLive, newestIdIn, waitFor, watcherPool } from '../testing/harness';
import { useRedisCluster } from '../testing/redis-cluster';
import { skipWithoutRedis } from '@minitwit/testing';

const skip = skipWithoutRedis('deletion and profile-count events across realtime servers');

/**
 * Issue 22 items 10 and 12 across three realtime servers on one Redis, written
 * to as the web app does: through the Redis publisher, after the commit.
 */
describe.skipIf(skip).each(availableBackends())(
  'deleting and following, seen on three realtime servers (%s)',
  (backend: DatabaseBackend) => {
    const cluster = useRedisCluster(backend, 'profile');
    const { open, stopAll } = watcherPool();
    afterEach(stopAll);

    it("takes the author's deleted message off every open timeline, and a refused delete off none", async () => {
      const db = cluster.database.db;
      const ann = await createUser(db, 'Ann');
      const ben = await createUser(db, 'Ben');
      await db.follows.follow(ben.username, ann.username);
      const doomed = await db.messages.post(ann.id, 'soon deleted');
      const kept = await db.messages.post(ann.id, 'kept');
      const newestId = await newestIdIn(db);
      const pages = cluster.servers.flatMap((server) => [
        open(server.url, { kind: 'public' }, { newestId }),
        open(server.url, { kind: 'user', userId: ann.id }, { newestId }),
        open(server.url, { kind: 'home' }, { sessionToken: ben.sessionToken, newestId }),
      ]);
      await waitFor(() => pages.every((page) => isLive(page)()), 'subscriptions');

      // Ben may not delete Ann's message: nothing is published, nothing changes.
      expect(await db.messages.deleteOwn(ben.id, kept.id)).toEqual({ outcome: 'not_yours' });
      const deleted = await db.messages.deleteOwn(ann.id, doomed.id);
      if (deleted.outcome !== 'deleted') throw new Error(`expected a deletion, got ${deleted.outcome}`);
      cluster.publishing.publisher.messagesFlagged([deleted.message]);

      await waitFor(() => pages.every((page) => page.removed.includes(doomed.id)), 'removal on every server');
      for (const page of pages) expect(page.removed).toEqual([doomed.id]);
      // A page opened from before the deletion does not get it back from catch-up.
      const late = open(cluster.servers[0]!.url, { kind: 'public' }, { newestId: doomed.id - 1 });
      await waitFor(() => late.received.some((message) => message.id === kept.id), 'catch-up');
      expect(late.ids()).not.toContain(doomed.id);
    });

    it('tells open profile pages on every server of follows and unfollows, and no one else', async () => {
      const db = cluster.database.db;
      const cleo = await createUser(db, 'Cleo');
      const dan = await createUser(db, 'Dan');
      const newestId = await newestIdIn(db);
      const heard = new Map<string, FollowChanged[]>();
      const listen = (name: string, watcher: ReturnType<typeof open>) => {
        heard.set(name, []);
        watcher.timeline.socket.on('follow:changed', (change) => heard.get(name)!.push(change));
        return watcher;
      };
      const watchers = cluster.servers.flatMap((server, i) => [
        listen(`cleo ${i}`, open(server.url, { kind: 'user', userId: cleo.id }, { newestId })),
        listen(`dan ${i}`, open(server.url, { kind: 'user', userId: dan.id }, { newestId })),
        listen(`public ${i}`, open(server.url, { kind: 'public' }, { newestId })),
        listen(`home ${i}`, open(server.url, { kind: 'home' }, { sessionToken: cleo.sessionToken, newestId })),
      ]);
      await waitFor(() => watchers.every((watcher) => isLive(watcher)()), 'subscriptions');

      const follow = await db.follows.follow(cleo.username, dan.username);
      cluster.publishing.publisher.followChanged({ whoId: follow.whoId, whomId: follow.whomId, following: true });
      const unfollow = await db.follows.unfollow(cleo.username, dan.username);
      cluster.publishing.publisher.followChanged({ whoId: unfollow.whoId, whomId: unfollow.whomId, following: false });

      const expected = [
        { whoId: cleo.id, whomId: dan.id, following: true },
        { whoId: cleo.id, whomId: dan.id, following: false },
      ];
      const profilePages = [...heard.keys()].filter((name) => /^(cleo|dan) /.test(name));
      await waitFor(() => profilePages.every((name) => heard.get(name)!.length === 2), 'both changes on every profile');
      for (const name of profilePages) expect(heard.get(name)).toEqual(expected);
      // Pages that show no profile hear nothing of it (a popular author's My Timeline readers are many).
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const [name, changes] of heard) if (!profilePages.includes(name)) expect(changes).toEqual([]);
    });
  },
  30_000,
);
