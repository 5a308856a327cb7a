import { type DatabaseBackend, type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { afterAll, beforeAll } from 'vitest';
import { type PublisherHandle, createPublisher } from '../publish/create-publisher';
import { type TestServer, quietLogger, startTestServer } from './harness';
import { testRedisUrl, uniqueChannel } from '@minitwit/testing';

export interface RedisCluster {
  database: TestDatabase;
  servers: TestServer[];
  /** Writes reach the servers through it, as api and web publish after a commit. */
  publishing: PublisherHandle;
  /** The adapter channel the servers and the publisher share. */
  channel: string;
}

/**
 * Inside a `describe` (with Redis): a fresh database, three realtime servers
 * sharing one Redis channel, and a publisher on that channel; made before the
 * tests and closed after. The fields are filled in `beforeAll`: read them in
 * the tests.
 */
export function useRedisCluster(backend: DatabaseBackend, channelPrefix: string): RedisCluster {
  const cluster = { servers: [] as TestServer[] } as RedisCluster;
  beforeAll(async () => {
    const redisUrl = testRedisUrl as string;
    const channel = uniqueChannel(channelPrefix);
    cluster.channel = channel;
    cluster.database = await createTestDatabase(backend);
    cluster.servers = await Promise.all(
      [1, 2, 3].map(() => startTestServer(cluster.database.db, { redis: { url: redisUrl, channel } })),
    );
    cluster.publishing = await createPublisher({ redisUrl, channel, logger: quietLogger });
  });
  afterAll(async () => {
    await cluster.publishing?.close();
    await Promise.all(cluster.servers.map((server) => server.close()));
    await cluster.database?.dispose();
  });
  return cluster;
}
