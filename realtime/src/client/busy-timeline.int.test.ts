import { postgresUrl } from '@minitwit/db/testing';
import { describe, expect, it } from 'vitest';
import { BACKLOG_LIMIT } from '../contract';
import { createUser, isLive, waitFor } from '../testing/harness';
import { inProcessServer } from '../testing/in-process-server';

/**
 * A live page on a busy timeline (issue 11, the PostgreSQL-outage scenario's
 * live page): it must neither trip the server's per-socket event limit with
 * its own receipts (the server dropped its events and then disconnected it),
 * nor give up on a backlog bigger than one reply — it reads it page by page
 * and ends with every message once, in order.
 */
describe('a live page on a busy timeline', () => {
  const world = inProcessServer(postgresUrl ? 'postgres' : 'embedded');
  const { open, post } = world;

  it(
    'stays connected through 150 messages in quick succession while reporting receipts',
    { timeout: 30_000 },
    async () => {
      const author = await createUser(world.db, 'Busy');
      // Every live message is a candidate receipt: the client must still send at most one a second.
      const page = open(world.url, { kind: 'user', userId: author.id }, { receiptSampleRate: 1 });
      await waitFor(isLive(page), 'the subscription');
      const written: number[] = [];
      // 150 in 1.5 s or more: at one receipt each, well over the 10 events a second and the 50 dropped
      // events after which the server disconnects a socket.
      while (written.length < 150) {
        written.push((await post(author.id, `busy ${written.length}`)).id);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await waitFor(() => page.received.length >= written.length, 'every message', 10_000);
      expect(page.ids()).toEqual(written);
      expect(page.statuses).toEqual(['connecting', 'live']);
    },
  );

  it(
    'reads a backlog of several replies page by page, with live messages in between',
    { timeout: 60_000 },
    async () => {
      const author = await createUser(world.db, 'Backlog');
      const missed: number[] = [];
      for (let i = 0; i < BACKLOG_LIMIT * 3 + 17; i += 1) {
        missed.push((await world.db.messages.post(author.id, `missed ${i}`)).id);
      }
      const page = open(world.url, { kind: 'user', userId: author.id }, { newestId: missed[0]! - 1 });
      // Posted while the page reads its backlog: held until the last page, then shown once.
      const during: number[] = [];
      while (!isLive(page)() && during.length < 50) {
        during.push((await post(author.id, `during ${during.length}`)).id);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await waitFor(isLive(page), 'the whole backlog', 20_000);
      const after = await post(author.id, 'after');
      await waitFor(() => page.received.some((message) => message.id === after.id), 'the live message after');
      expect(page.ids()).toEqual([...missed, ...during, after.id]);
      expect(page.statuses).toEqual(['connecting', 'live']);
    },
  );
});
