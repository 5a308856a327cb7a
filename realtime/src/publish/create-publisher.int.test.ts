import { performance } from 'node:perf_hooks';
import { createLogger } from '@minitwit/monitoring';
import type { TimelineMessage } from '@minitwit/db';
import { createClient } from 'redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PUBLISHER_OPTIONS } from '@minitwit/redis';
import { quietLogger, waitFor } from '../testing/harness';
import { type OwnRedis, skipWithoutRedis, startOwnRedis, testRedisUrl, uniqueChannel } from '@minitwit/testing';
import { type PublisherHandle, createPublisher } from './create-publisher';

const skip = skipWithoutRedis('Redis publisher tests');

const message = (id: number): TimelineMessage => ({
  id,
  text: `message ${id}`,
  pubDate: new Date(0),
  author: { id: 1, username: 'Ivy', email: 'ivy@example.com' },
  mentions: [],
});

/** Every packet published on `channel`'s adapter keys; msgpack keeps strings as they are, so
 * event names and keys can be found in the raw packet. */
async function hear(
  channel: string,
  { requests: withRequests = true } = {},
): Promise<{ packets: string[]; requests: string[]; close(): Promise<void> }> {
  const listener = createClient({ url: testRedisUrl });
  await listener.connect();
  const packets: string[] = [];
  // Server-side events (the publisher's presence) go out as JSON on the adapter's request channel.
  const requests: string[] = [];
  await listener.pSubscribe(`${channel}#*`, (packet) => packets.push(packet.toString('latin1')), true);
  if (withRequests) await listener.pSubscribe(`${channel}-request#*`, (request) => requests.push(request));
  return { packets, requests, close: () => listener.close() };
}

/**
 * The publisher sits on every write's path (api, web). These pin down how its
 * Redis client behaves under load and when Redis is gone.
 */
describe.skipIf(skip)('the Redis publisher', () => {
  let handle: PublisherHandle | undefined;
  let ownRedis: OwnRedis | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await handle?.close();
    await ownRedis?.stop();
    handle = ownRedis = undefined;
  });

  it('publishes every write without arming a timer per command', async () => {
    const channel = uniqueChannel('publisher');
    const listener = createClient({ url: testRedisUrl });
    await listener.connect();
    let heard = 0;
    await listener.pSubscribe(`${channel}#*`, () => (heard += 1));
    try {
      handle = await createPublisher({ redisUrl: testRedisUrl, channel, logger: quietLogger });
      // node-redis 6 arms AbortSignal.timeout(5 s) per command unless told not to; at one
      // publish per write those timers outlived young-generation GCs (see bench/RESULTS.md).
      const timeout = vi.spyOn(AbortSignal, 'timeout');
      for (let id = 1; id <= 200; id += 1) handle.publisher.messagePosted(message(id));
      await waitFor(() => heard === 200, 'all 200 publishes heard');
      expect(timeout).not.toHaveBeenCalled();
    } finally {
      await listener.close();
    }
  });

  it('refuses publishes at once past a bounded queue while Redis hangs, then recovers', async () => {
    ownRedis = await startOwnRedis();
    const logger = createLogger({ service: 'publisher-test', silent: true });
    const warn = vi.spyOn(logger, 'warn');
    handle = await createPublisher({ redisUrl: ownRedis.url, channel: uniqueChannel('hang'), logger });
    // Its first presence beat answered, so the queue below holds messages only.
    expect(await handle.publisher.publishesTaken!()).toBe(true);
    // Connected but silent: every publish is written and waits for a reply that does not come.
    ownRedis.freeze();
    const extra = 50;
    for (let id = 1; id <= PUBLISHER_OPTIONS.commandsQueueMaxLength + extra; id += 1) {
      handle.publisher.messagePosted(message(id));
    }
    // The overflow is refused and logged at once (node-redis's default would hold every publish
    // for its 5 s command timeout, and without any bound hold them for as long as Redis hangs).
    // winston's `warn` is overloaded; the first argument of ours is the message text.
    // Messages only: the publisher's presence beat (on the adapter's request channel) may be refused too.
    const refused = () =>
      warn.mock.calls.filter(
        ([text, meta]: unknown[]) =>
          text === 'redis publish failed' && !String((meta as { channel?: string }).channel).includes('-request#'),
      ).length;
    await waitFor(() => refused() >= extra, 'overflowing publishes refused', 2_000);
    expect(refused()).toBe(extra);

    // Once Redis answers again, what waited is answered and publishes are accepted again.
    ownRedis.thaw();
    const redis = handle.redis!;
    const deadline = Date.now() + 10_000;
    let accepted = false;
    while (!accepted && Date.now() < deadline) {
      accepted = await redis.publish('after-the-hang', 'ping').then(
        () => true,
        () => new Promise<false>((resolve) => setTimeout(() => resolve(false), 20)),
      );
    }
    expect(accepted).toBe(true);
    expect(refused()).toBe(extra);
  });

  it("says when Redis has taken a write's publish, and gives up waiting after its bound", async () => {
    ownRedis = await startOwnRedis();
    handle = await createPublisher({
      redisUrl: ownRedis.url,
      channel: uniqueChannel('taken'),
      logger: quietLogger,
      publishWaitMs: 1_000,
    });
    const publishesTaken = handle.publisher.publishesTaken!;
    handle.publisher.messagePosted(message(1));
    expect(await publishesTaken()).toBe(true);

    // Redis silent for 300 ms: the wait lasts until it answers, and says the publish was taken.
    ownRedis.freeze();
    handle.publisher.messagePosted(message(2));
    const thawed = setTimeout(() => ownRedis?.thaw(), 300);
    let started = performance.now();
    expect(await publishesTaken()).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    clearTimeout(thawed);

    // Redis silent for longer than the bound: the write is answered after it, untaken.
    ownRedis.freeze();
    handle.publisher.messagePosted(message(3));
    started = performance.now();
    expect(await publishesTaken()).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    ownRedis.thaw();
  });

  it('connects again when its publishes reach no realtime server, and has the pages resync', async () => {
    // A Redis no realtime server listens to (a returning host's old container): the listener
    // below hears messages but not the presence beats, which reach no one for 2 s.
    const channel = uniqueChannel('stranded');
    const { packets, close } = await hear(channel, { requests: false });
    const logger = createLogger({ service: 'publisher-test', silent: true });
    const warn = vi.spyOn(logger, 'warn');
    try {
      handle = await createPublisher({ redisUrl: testRedisUrl, channel, logger });
      await waitFor(
        () => packets.some((packet) => packet.includes('timeline:resync')),
        'a resync once connected again',
        8_000,
      );
      expect(warn).toHaveBeenCalledWith('redis publishes reach no realtime server; connecting again', {
        role: 'publisher',
      });
      // Connected again: publishes go out.
      handle.publisher.messagePosted(message(1));
      await waitFor(() => packets.some((packet) => packet.includes('message 1')), 'a message after it');
    } finally {
      await close();
    }
  });

  it('after a write whose outcome is unknown, tells every page to resync with the next publish', async () => {
    const channel = uniqueChannel('unknown-outcome');
    const { packets, close } = await hear(channel);
    const resyncs = () => packets.filter((packet) => packet.includes('timeline:resync')).length;
    try {
      handle = await createPublisher({ redisUrl: testRedisUrl, channel, logger: quietLogger });
      for (let id = 1; id <= 5; id += 1) handle.publisher.messagePosted(message(id));
      await waitFor(() => packets.length === 5, 'the five messages heard');
      handle.publisher.writeOutcomeUnknown?.();
      // Nothing is sent while the database may still be gone: the resync waits for a write that went through.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(resyncs()).toBe(0);
      handle.publisher.messagePosted(message(6));
      await waitFor(() => resyncs() === 1, 'a resync after the next publish');
      // It names the floor to re-read from: before the first id this publisher sent, all within the margin.
      const resync = packets.find((packet) => packet.includes('timeline:resync'))!;
      expect(resync).toContain('afterId');
    } finally {
      await close();
    }
  });

  it('sends a resync still owed when it closes: a replica stopped before its next publish leaves no gap', async () => {
    // A replica on a host back from a partition took a write whose outcome it cannot know, and Swarm
    // stops it (its task was replaced meanwhile) before another write reaches it.
    const channel = uniqueChannel('owed-at-close');
    const { packets, requests, close } = await hear(channel);
    try {
      const closing = await createPublisher({ redisUrl: testRedisUrl, channel, logger: quietLogger });
      closing.publisher.messagePosted(message(1));
      await waitFor(() => packets.length === 1, 'the message heard');
      closing.publisher.writeOutcomeUnknown?.();
      await closing.close();
      await waitFor(() => packets.some((packet) => packet.includes('timeline:resync')), 'a resync sent as it closed');
      // It said it was alive, and that it is gone: the realtime servers do not take it for vanished.
      expect(requests.some((request) => request.includes('publisher:alive'))).toBe(true);
      await waitFor(() => requests.some((request) => request.includes('publisher:gone')), 'its goodbye');
    } finally {
      await close();
    }
  });
});
