import { type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { type OwnRedis, skipWithoutRedis, startOwnRedis } from '@minitwit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../testing/harness';

const skip = skipWithoutRedis('realtime server closing as its Redis goes (uses its own redis-server)');

/**
 * A drain stops a realtime server and Redis together when both run on the
 * drained host. The adapter's UNSUBSCRIBEs on close were then cut off by the
 * reset connection, and their rejections, which the adapter never handles,
 * ended the process with exit code 1 (multi-host run of 2026-12-06). Here
 * Redis is frozen so that those commands wait, and killed while the server
 * closes: the close must finish, and nothing may be left unhandled (vitest
 * fails a run on an unhandled rejection too).
 */
describe.skipIf(skip)('a realtime server closing while its Redis goes away', () => {
  let redis: OwnRedis;
  let database: TestDatabase;
  let server: TestServer;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    redis = await startOwnRedis();
    database = await createTestDatabase('embedded');
    server = await startTestServer(database.db, { redis: { url: redis.url, channel: 'close-as-redis-goes' } });
    process.on('unhandledRejection', record);
  });
  afterAll(async () => {
    process.off('unhandledRejection', record);
    // A SIGKILL ends it frozen or not.
    await redis?.stop();
    await database?.dispose();
  });

  it('closes without an unhandled rejection when Redis resets the connection mid-close', async () => {
    redis.freeze();
    const closing = server.close();
    // The adapter's UNSUBSCRIBEs are written and wait on the frozen Redis...
    await new Promise((resolve) => setTimeout(resolve, 200));
    // ...until the kernel closes its connections.
    await redis.kill();
    await expect(closing).resolves.toBeUndefined();
    // Rejections surface as unhandled a turn of the event loop after they happen.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(unhandled).toEqual([]);
  });
});
