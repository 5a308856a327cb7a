import { type DatabaseBackend, availableBackends } from '@minitwit/db/testing';
import { skipWithoutRedis, testRedisUrl } from '@minitwit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createUser, isLive, newestIdIn, waitFor, watcherPool } from '../testing/harness';
import { startPublisherProcess } from '../testing/publisher-process';
import { useRedisCluster } from '../testing/redis-cluster';

const skip = skipWithoutRedis('vanished publisher tests (realtime servers sharing Redis)');

/**
 * An api replica's host is cut off: writes it had committed but not yet published reach no
 * page that stays connected to a surviving server (issue 18's worker-lost run: 6 such messages
 * missing on each of 24 pages). The servers notice the publisher's silence and their pages re-read.
 */
describe.skipIf(skip).each(availableBackends())('a publisher that vanishes (%s)', (backend: DatabaseBackend) => {
  const cluster = useRedisCluster(backend, 'vanished-publisher');
  const { open, stopAll } = watcherPool();
  afterEach(stopAll);

  it('has pages that stayed connected re-read what it committed and never published', { timeout: 40_000 }, async () => {
    const { db } = cluster.database;
    const author = await createUser(db, 'Vanisher');
    const newestId = await newestIdIn(db);
    const pages = cluster.servers.map((server) => open(server.url, { kind: 'user', userId: author.id }, { newestId }));
    await waitFor(() => pages.every((page) => isLive(page)()), 'subscriptions');

    // Delivered long before (more than the resync margin): the floor the pages re-read above.
    const earlier = await db.messages.post(author.id, 'delivered well before');
    cluster.publishing.publisher.messagePosted(earlier);
    await waitFor(() => pages.every((page) => page.ids().includes(earlier.id)), 'the earlier message');
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const doomed = await startPublisherProcess(testRedisUrl!, cluster.channel);
    // Its replica committed this, and its host was cut off before it published it.
    const unpublished = await db.messages.post(author.id, 'committed, never published');
    // Another replica's later write is delivered at once, so each page's newest id is past the gap.
    const later = await db.messages.post(author.id, 'published by a surviving replica');
    cluster.publishing.publisher.messagePosted(later);
    await waitFor(() => pages.every((page) => page.ids().includes(later.id)), 'the later message');
    await doomed.vanish();

    await waitFor(
      () => pages.every((page) => page.ids().includes(unpublished.id)),
      'the unpublished message, re-read after the publisher went silent',
      15_000,
    );
    for (const page of pages) {
      expect([...page.ids()].sort((a, b) => a - b)).toEqual([earlier.id, unpublished.id, later.id]);
      // Re-read over the open connection: no page went offline.
      expect(page.statuses.filter((status) => status === 'offline')).toEqual([]);
    }
  });
});
