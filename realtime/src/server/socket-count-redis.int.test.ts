import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisClient } from '@minitwit/redis';
import { quietLogger, waitFor } from '../testing/harness';
import { skipWithoutRedis, testRedisUrl, uniqueChannel } from '@minitwit/testing';
import type { CapKey, SocketCount } from './socket-count';
import { redisSocketCount } from './socket-count-redis';

const skip = skipWithoutRedis('shared socket counts recover from a dead server');

/**
 * The shared count must not leak when a server dies without releasing what
 * it counted (SIGKILL, a lost host): its share expires with its heartbeat.
 * Each "server" here is a count with its own Redis connection; killing the
 * connection is the server dying as far as Redis can tell.
 */
describe.skipIf(skip)('shared socket counts across servers', () => {
  const clients: RedisClient[] = [];
  const counts: SocketCount[] = [];
  const staleMs = 600;

  afterEach(async () => {
    await Promise.all(counts.splice(0).map((count) => count.close()));
    for (const client of clients.splice(0)) if (client.isOpen) client.destroy();
  });

  async function server(prefix: string) {
    const client: RedisClient = createClient({ url: testRedisUrl });
    client.on('error', () => {});
    await client.connect();
    clients.push(client);
    const count = redisSocketCount(client, { prefix, logger: quietLogger, liveness: { staleMs } });
    counts.push(count);
    return { client, count };
  }
  const session: CapKey[] = [{ kind: 'session', field: 's:one', limit: 3 }];

  it('counts over every server, and forgets a dead server’s sockets once its heartbeat is stale', async () => {
    const prefix = uniqueChannel('count-death');
    const doomed = await server(prefix);
    const survivor = await server(prefix);
    for (let i = 0; i < 3; i += 1) expect(await doomed.count.acquire(session)).toBeUndefined();
    expect(await survivor.count.acquire(session)).toBe('session');

    // Dies without a word: no release, no close, no more heartbeats reach Redis.
    doomed.client.destroy();
    const died = Date.now();
    await waitFor(() => Date.now() - died > staleMs / 2, 'half the stale time');
    expect(await survivor.count.acquire(session)).toBe('session');
    let accepted = false;
    while (!accepted && Date.now() - died < staleMs * 4) {
      accepted = (await survivor.count.acquire(session)) === undefined;
      if (!accepted) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(accepted).toBe(true);
    console.warn(`a dead server's sockets stopped counting after ${Date.now() - died} ms (stale after ${staleMs} ms)`);
    // Only the survivor's one socket counts now: two more fit, then the cap holds again.
    expect(await survivor.count.acquire(session)).toBeUndefined();
    expect(await survivor.count.acquire(session)).toBeUndefined();
    expect(await survivor.count.acquire(session)).toBe('session');
  });

  it('releases give places back on every server, and a live server writes back a share Redis lost', async () => {
    const prefix = uniqueChannel('count-release');
    const one = await server(prefix);
    const two = await server(prefix);
    for (let i = 0; i < 3; i += 1) expect(await one.count.acquire(session)).toBeUndefined();
    expect(await two.count.acquire(session)).toBe('session');
    one.count.release(session);
    await waitFor(() => true, 'tick');
    expect(await two.count.acquire(session)).toBeUndefined();
    expect(await one.count.acquire(session)).toBe('session');

    // Redis loses the first server's share (evicted, flushed, or expired while the process stalled):
    // its next heartbeat writes it back from memory.
    const keys = await two.client.keys(`${prefix}:server:*`);
    expect(keys).toHaveLength(2);
    await two.client.del(keys);
    await new Promise((resolve) => setTimeout(resolve, staleMs));
    expect(await two.count.acquire(session)).toBe('session');
  });

  it('removes its share when it closes', async () => {
    const prefix = uniqueChannel('count-close');
    const one = await server(prefix);
    const two = await server(prefix);
    for (let i = 0; i < 3; i += 1) expect(await one.count.acquire(session)).toBeUndefined();
    await one.count.close();
    expect(await two.count.acquire(session)).toBeUndefined();
    expect(await two.client.keys(`${prefix}:server:*`)).toHaveLength(1);
  });
});
