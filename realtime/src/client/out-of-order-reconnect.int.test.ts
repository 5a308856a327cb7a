import { postgresUrl } from '@minitwit/db/testing';
import { describe, expect, it } from 'vitest';
import { inProcessPublisher } from '../publish/local-hub';
import { REMEMBERED_RUNS } from './feed-state';
import { createUser, isLive, newestIdIn, waitFor } from '../testing/harness';
import { inProcessServer } from '../testing/in-process-server';

/**
 * Live messages arrive a little out of id order: two api replicas commit 1 then 2, and the
 * replica with 2 publishes first. When the page's connection drops just then (its realtime
 * server stopped in a rolling update), 1 is published while the page is away. The read after
 * the reconnect must still bring 1; from the newest id shown (2) it never would. Seen in the
 * multi-host rolling update: 12 messages missing over 36 pages.
 */
describe('a page whose connection drops while a lower id is still on its way', () => {
  const world = inProcessServer(postgresUrl ? 'postgres' : 'embedded');

  it('reads it after the reconnect, once, beside the ones it had', { timeout: 20_000 }, async () => {
    const author = await createUser(world.db, 'Reorder');
    const page = world.open(world.url, { kind: 'user', userId: author.id }, { newestId: await newestIdIn(world.db) });
    await waitFor(isLive(page), 'the subscription');

    // Committed first, published late (its replica is slow).
    const slow = await world.db.messages.post(author.id, 'committed first, published late');
    const fast = await world.post(author.id, 'committed second, published first');
    await waitFor(() => page.ids().includes(fast.id), 'the message published first');

    // The connection drops (as when its server stops); socket.io-client reconnects by itself.
    page.timeline.socket.io.engine.close();
    expect(page.timeline.socket.connected).toBe(false);
    inProcessPublisher.messagePosted(slow);

    await waitFor(() => page.ids().includes(slow.id), 'the late message, after the reconnect', 10_000);
    expect([...page.ids()].sort((a, b) => a - b)).toEqual([slow.id, fast.id]);
    expect(page.statuses.filter((status) => status === 'offline')).toHaveLength(1);
    expect(page.statuses.at(-1)).toBe('live');
  });

  it('reads it also when the server went silent and the drop came seconds later', { timeout: 30_000 }, async () => {
    // Its server's host vanished: nothing more arrives, and the page notices only when the
    // heartbeat runs out (4 s). "Newest id of 2 s before the drop" was then the newest id it had
    // (fast), and the lower one on its way never came (the multi-host run: a worker host cut off,
    // 96 messages missing over the 36 Socket.IO pages).
    const author = await createUser(world.db, 'Vanished');
    const page = world.open(world.url, { kind: 'user', userId: author.id }, { newestId: await newestIdIn(world.db) });
    await waitFor(isLive(page), 'the subscription');
    const slow = await world.db.messages.post(author.id, 'committed first, published late');
    const fast = await world.post(author.id, 'committed second, published first');
    await waitFor(() => page.ids().includes(fast.id), 'the message published first');

    // The page stops hearing its server: its connection stays open, its bytes go unread.
    // engine.io-client's WebSocket transport in Node is the `ws` package's socket over net.Socket;
    // their types keep both private, hence the cast.
    const transport = page.timeline.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } };
    transport.ws._socket.pause();
    inProcessPublisher.messagePosted(slow);

    await waitFor(() => !page.timeline.socket.connected, 'the heartbeat ran out', 10_000);
    await waitFor(() => page.ids().includes(slow.id), 'the late message, after the reconnect', 15_000);
    expect([...page.ids()].sort((a, b) => a - b)).toEqual([slow.id, fast.id]);
  });

  it(
    'after a long backlog read just before the drop, reads on from that backlog and shows nothing twice',
    { timeout: 60_000 },
    async () => {
      const author = await createUser(world.db, 'Backlogged');
      const before = await newestIdIn(world.db);
      // More than the page remembers: a read from before this backlog would show some of it twice.
      // Another author's message between each two keeps the page's ids apart, one run each
      // (REMEMBERED_RUNS; consecutive ids would be one run, remembered however many).
      const other = await createUser(world.db, 'Interleaved');
      const missed: number[] = [];
      for (let i = 0; i < REMEMBERED_RUNS + 100; i += 1) {
        missed.push((await world.db.messages.post(author.id, `missed ${i}`)).id);
        await world.db.messages.post(other.id, `between ${i}`);
      }
      const page = world.open(world.url, { kind: 'user', userId: author.id }, { newestId: before });
      await waitFor(isLive(page), 'the whole backlog', 30_000);
      // At once, while the backlog's ids are still the page's newest of the last two seconds.
      page.timeline.socket.io.engine.close();
      const away = await world.post(author.id, 'posted while the page was away');

      await waitFor(() => page.ids().includes(away.id), 'the message posted while away', 20_000);
      expect(page.ids()).toEqual([...missed, away.id]);
    },
  );
});
