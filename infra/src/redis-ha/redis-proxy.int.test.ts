import { createTestDatabase, type TestDatabase } from '@minitwit/db/testing';
import { createPublisher, type PublisherHandle } from '@minitwit/realtime';
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
} from '@minitwit/realtime/testing';
import type { OwnRedis } from '@minitwit/testing';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notInstalled } from '../testing/installed';
import { REDIS_PROXY_TOOLS, type RedisProxy, startRedisProxy } from './redis-proxy';

const missing = await notInstalled(REDIS_PROXY_TOOLS);
if (missing.length)
  console.warn(`SKIPPED: Redis behind its proxy (redis-a, backup redis-b) — ${missing.join(', ')} not installed`);

const PASSWORD = 'testonly-redis-ha';
const CHANNEL = 'redis-ha-test';

/**
 * The stack's Redis on more than one host (docker-stack.yml): two Redis
 * servers and HAProxy in front with infra/redis-ha/haproxy.cfg, as deployed.
 * Two realtime servers and a publisher connect through the proxy, as the
 * services do. redis-a is SIGKILLed (its host lost), then started again
 * (the host back): every page must see every message exactly once, and
 * every client must end up on the same Redis each time.
 */
describe.skipIf(missing.length > 0)('Redis behind its proxy: redis-a lost and back', () => {
  let a: OwnRedis;
  let b: OwnRedis;
  let redisProxy: RedisProxy;
  let proxyUrl: string;
  let database: TestDatabase;
  let servers: TestServer[] = [];
  let publishing: PublisherHandle;
  const pages: Watcher[] = [];

  beforeAll(async () => {
    redisProxy = await startRedisProxy(PASSWORD);
    ({ a, b, url: proxyUrl } = redisProxy);
    database = await createTestDatabase('embedded');
    servers = await Promise.all(
      [1, 2].map(() => startTestServer(database.db, { redis: { url: proxyUrl, channel: CHANNEL } })),
    );
    publishing = await createPublisher({ redisUrl: proxyUrl, channel: CHANNEL, logger: quietLogger });
  });
  afterAll(async () => {
    pages.forEach((page) => page.stop());
    await publishing?.close();
    await Promise.all(servers.map((server) => server.close()));
    await redisProxy?.stop();
    await database?.dispose();
  });

  /** Subscribers on one Redis server: the adapters' request channel, one per realtime server. */
  const adaptersOn = async (redis: OwnRedis): Promise<number> => {
    const client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      const [, subscribers] = (await client.sendCommand(['PUBSUB', 'NUMSUB', `${CHANNEL}-request#/#`])) as [
        string,
        number,
      ];
      return Number(subscribers);
    } catch {
      return -1; // not answering: killed
    } finally {
      client.destroy();
    }
  };
  const allOn = async (on: OwnRedis, off: OwnRedis, what: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [here, there] = await Promise.all([adaptersOn(on), adaptersOn(off)]);
      if (here === servers.length && there <= 0 && publishing.redis?.isReady) return;
      if (Date.now() > deadline) throw new Error(`${what}: adapters ${here} here, ${there} on the other`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const post = async (authorId: number, text: string) => {
    const message = await database.db.messages.post(authorId, text);
    publishing.publisher.messagePosted(message);
    return message;
  };

  it('moves every client to redis-b when redis-a is lost, back when it returns, and every page sees every message once', async () => {
    const ann = await createUser(database.db, 'Ann');
    const newestId = await newestIdIn(database.db);
    pages.push(...servers.map((server) => watch(server.url, { kind: 'public' }, { newestId })));
    await waitFor(() => pages.every((page) => isLive(page)()), 'pages live');
    await allOn(a, b, 'at the start');
    const sent = [await post(ann.id, 'on redis-a')];
    const everySentSeen = (what: string) =>
      waitFor(() => pages.every((page) => sent.every((message) => page.ids().includes(message.id))), what, 15_000);
    await waitFor(() => pages.every((page) => page.ids().includes(sent[0]!.id)), 'delivery on redis-a');

    await a.kill();
    // Posted while the proxy has not yet noticed: its live event is lost with redis-a, and the pages
    // get it on the resync that the clients' reconnection sets off.
    sent.push(await post(ann.id, 'as redis-a goes'));
    await allOn(b, a, 'after redis-a was lost');
    sent.push(await post(ann.id, 'on redis-b'));
    await everySentSeen('delivery on redis-b');

    await a.restart();
    await allOn(a, b, 'after redis-a returned');
    sent.push(await post(ann.id, 'on redis-a again'));
    await everySentSeen('delivery on redis-a again');
    // Once each: a resynced message may come after a later live one, so in id order.
    for (const page of pages) expect([...page.ids()].sort((x, y) => x - y)).toEqual(sent.map((message) => message.id));
  });

  it('takes no client without the password', async () => {
    const stranger = createClient({ url: proxyUrl.replace(PASSWORD, 'wrong'), socket: { reconnectStrategy: false } });
    stranger.on('error', () => {});
    await expect(stranger.connect()).rejects.toThrow(/WRONGPASS|invalid username-password/);
    stranger.destroy();
  });
});
