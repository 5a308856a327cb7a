import { type DatabaseBackend, availableBackends } from '@minitwit/db/testing';
import { buildInfo } from '@minitwit/monitoring';
import { afterEach, describe, expect, it } from 'vitest';
import { createUser, isLive, newestIdIn, waitFor, watcherPool } from '../testing/harness';
import { useRedisCluster } from '../testing/redis-cluster';
import { skipWithoutRedis } from '@minitwit/testing';

const skip = skipWithoutRedis('realtime cluster tests (three servers sharing Redis)');

/** Three realtime servers on one Redis, written to the way api and web do: through the Redis publisher. */
describe.skipIf(skip).each(availableBackends())(
  'three realtime servers with Redis (%s)',
  (backend: DatabaseBackend) => {
    const cluster = useRedisCluster(backend, 'cluster');
    const { open, stopAll } = watcherPool();
    afterEach(stopAll);

    const post = async (authorId: number, text: string) => {
      const message = await cluster.database.db.messages.post(authorId, text);
      cluster.publishing.publisher.messagePosted(message);
      return message;
    };

    it('delivers every message to every watcher on every server exactly once, in order', async () => {
      const authors = [await createUser(cluster.database.db, 'Ann'), await createUser(cluster.database.db, 'Ben')];
      const newestId = await newestIdIn(cluster.database.db);
      const publicPages = cluster.servers.flatMap((server) =>
        [1, 2].map(() => open(server.url, { kind: 'public' }, { newestId })),
      );
      const annPages = cluster.servers.map((server) =>
        open(server.url, { kind: 'user', userId: authors[0]!.id }, { newestId }),
      );
      await waitFor(() => [...publicPages, ...annPages].every((page) => isLive(page)()), 'subscriptions');

      const written = [];
      for (let i = 0; i < 40; i += 1) written.push(await post(authors[i % 2]!.id, `message ${i}`));
      const all = written.map((m) => m.id);
      const anns = written.filter((m) => m.author.id === authors[0]!.id).map((m) => m.id);

      await waitFor(() => publicPages.every((page) => page.received.length >= all.length), 'public deliveries');
      await waitFor(() => annPages.every((page) => page.received.length >= anns.length), 'user deliveries');
      for (const page of publicPages) expect(page.ids()).toEqual(all);
      for (const page of annPages) expect(page.ids()).toEqual(anns);
    });

    it('moves My Timeline sockets on every server when the viewer follows and unfollows', async () => {
      const cleo = await createUser(cluster.database.db, 'Cleo');
      const dan = await createUser(cluster.database.db, 'Dan');
      const newestId = await newestIdIn(cluster.database.db);
      const homes = cluster.servers.map((server) =>
        open(server.url, { kind: 'home' }, { sessionToken: cleo.sessionToken, newestId }),
      );
      await waitFor(() => homes.every((home) => isLive(home)()), 'home subscriptions');

      const before = await post(dan.id, 'before');
      const follow = await cluster.database.db.follows.follow(cleo.username, dan.username);
      cluster.publishing.publisher.followChanged({ whoId: follow.whoId, whomId: follow.whomId, following: true });
      const during = await post(dan.id, 'during');
      await waitFor(() => homes.every((home) => home.ids().includes(during.id)), 'followed message on every server');

      const unfollow = await cluster.database.db.follows.unfollow(cleo.username, dan.username);
      cluster.publishing.publisher.followChanged({ whoId: unfollow.whoId, whomId: unfollow.whomId, following: false });
      const after = await post(dan.id, 'after');
      // Published after Dan's, through the same connection: once it is in, Dan's would have been too.
      const own = await post(cleo.id, 'marker');
      await waitFor(() => homes.every((home) => home.ids().includes(own.id)), 'own marker on every server');

      for (const home of homes) expect(home.ids()).toEqual([during.id, own.id]);
      expect(homes[0]!.ids()).not.toContain(before.id);
      expect(homes[0]!.ids()).not.toContain(after.id);
    });

    it('catches a disconnected page up with no gap and no duplicate when it reconnects', async () => {
      const eve = await createUser(cluster.database.db, 'Eve');
      const page = open(
        cluster.servers[1]!.url,
        { kind: 'public' },
        { newestId: await newestIdIn(cluster.database.db) },
      );
      await waitFor(isLive(page), 'subscription');
      const first = await post(eve.id, 'seen live');
      await waitFor(() => page.ids().includes(first.id), 'first message');

      page.timeline.socket.disconnect();
      const missed = [];
      for (let i = 0; i < 5; i += 1) missed.push(await post(eve.id, `missed ${i}`));
      page.timeline.socket.connect();
      await waitFor(() => page.received.length >= 6, 'catch-up');
      const last = await post(eve.id, 'live again');
      await waitFor(() => page.ids().includes(last.id), 'live after catch-up');

      expect(page.ids()).toEqual([first.id, ...missed.map((m) => m.id), last.id]);
    });

    it('takes a flagged message off pages on every server', async () => {
      const finn = await createUser(cluster.database.db, 'Finn');
      const newestId = await newestIdIn(cluster.database.db);
      const pages = cluster.servers.map((server) => open(server.url, { kind: 'user', userId: finn.id }, { newestId }));
      await waitFor(() => pages.every((page) => isLive(page)()), 'subscriptions');
      const message = await post(finn.id, 'to be flagged');
      cluster.publishing.publisher.messagesFlagged(await cluster.database.db.messages.flag([message.id]));
      await waitFor(() => pages.every((page) => page.removed.includes(message.id)), 'removal on every server');
      for (const page of pages) expect(page.removed).toEqual([message.id]);
    });

    it('reports Redis in its health check', async () => {
      const response = await fetch(`${cluster.servers[0]!.internalUrl}/healthz`);
      expect(await response.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' }, ...buildInfo() });
    });
  },
);
