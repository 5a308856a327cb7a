import { type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PublisherHandle, createPublisher } from '../publish/create-publisher';
import {
  type TestServer,
  type Watcher,
  createUser,
  isLive,
  newestIdIn,
  quietLogger,
  startTestServer,
  waitFor,
  watch,
} from '../testing/harness';
import { type OwnRedis, skipWithoutRedis, startOwnRedis } from '@minitwit/testing';
import { buildInfo } from '@minitwit/monitoring';

const skip = skipWithoutRedis('Redis kill-and-restart test (uses its own redis-server)');

/**
 * The adapter depends on the Redis client restoring its subscriptions after
 * Redis comes back (older node-redis did not, silently ending cross-server
 * delivery). Two servers and a publisher on a private Redis that is SIGKILLed.
 */
describe.skipIf(skip)('delivery across a Redis crash and restart', () => {
  let redis: OwnRedis;
  let database: TestDatabase;
  let servers: TestServer[] = [];
  let publishing: PublisherHandle;
  const channel = 'restart-test';
  const watchers: Watcher[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis();
    database = await createTestDatabase('embedded');
    servers = await Promise.all([1, 2].map(() => startTestServer(database.db, { redis: { url: redis.url, channel } })));
    publishing = await createPublisher({ redisUrl: redis.url, channel, logger: quietLogger });
  });
  afterAll(async () => {
    watchers.forEach((watcher) => watcher.stop());
    await publishing?.close();
    await Promise.all(servers.map((server) => server.close()));
    await redis?.stop();
    await database?.dispose();
  });

  const post = async (authorId: number, text: string) => {
    const message = await database.db.messages.post(authorId, text);
    publishing.publisher.messagePosted(message);
    return message;
  };

  /**
   * Both servers' adapters are subscribed again on the new Redis: their
   * request channel counts two subscribers (NUMPAT counts unique patterns,
   * which both share), and the broadcast pattern is back.
   */
  const subscriptionsRestored = async () => {
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    try {
      const deadline = Date.now() + 15_000;
      const restored = async () => {
        const [, subscribers] = (await client.sendCommand(['PUBSUB', 'NUMSUB', `${channel}-request#/#`])) as [
          string,
          number,
        ];
        const patterns = Number(await client.sendCommand(['PUBSUB', 'NUMPAT']));
        return Number(subscribers) >= servers.length && patterns >= 1;
      };
      while (!(await restored())) {
        if (Date.now() > deadline) throw new Error('adapters did not resubscribe');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await client.close();
    }
  };

  it('resumes delivery on every server after Redis is killed and restarted', async () => {
    const ivy = await createUser(database.db, 'Ivy');
    const newestId = await newestIdIn(database.db);
    const pages = servers.map((server) => watch(server.url, { kind: 'public' }, { newestId }));
    watchers.push(...pages);
    await waitFor(() => pages.every((page) => isLive(page)()), 'subscriptions');
    const before = await post(ivy.id, 'before the crash');
    await waitFor(() => pages.every((page) => page.ids().includes(before.id)), 'delivery before the crash');

    await redis.kill();
    const down = await fetch(`${servers[0]!.internalUrl}/healthz`);
    expect(down.status).toBe(503);

    await redis.restart();
    await subscriptionsRestored();
    await waitFor(() => publishing.redis?.isReady === true, 'publisher reconnected');
    const after = await post(ivy.id, 'after the restart');
    await waitFor(() => pages.every((page) => page.ids().includes(after.id)), 'delivery after the restart', 15_000);

    for (const page of pages) expect(page.ids()).toEqual([before.id, after.id]);
    const health = await fetch(`${servers[1]!.internalUrl}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' }, ...buildInfo() });
  });
});
