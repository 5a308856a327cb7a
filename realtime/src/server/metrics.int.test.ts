import { type TestDatabase, createTestDatabase, postgresUrl } from '@minitwit/db/testing';
import { metricSample } from '@minitwit/monitoring/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PublisherHandle, createPublisher } from '../publish/create-publisher';
import {
  type TestServer,
  createUser,
  isLive,
  newestIdIn,
  quietLogger,
  startTestServer,
  waitFor,
  watcherPool,
} from '../testing/harness';
import { skipWithoutRedis, testRedisUrl, uniqueChannel } from '@minitwit/testing';

const skip = skipWithoutRedis('realtime metrics through Redis') || !postgresUrl;
if (!postgresUrl) console.warn('SKIPPED: realtime metrics through Redis — DATABASE_URL not set');

/**
 * The realtime server's own series, checked on its real `/metrics` with real
 * clients and the real Redis path: the API-style emitter publishes a
 * committed write, the server's adapter emits it, a browser-like client
 * reports its receipt back.
 */
describe.skipIf(skip)('realtime metrics (PostgreSQL + Redis, real clients)', () => {
  let database: TestDatabase;
  let server: TestServer;
  let writer: PublisherHandle;
  const { open, stopAll } = watcherPool();
  const scrape = async () => (await fetch(`${server.internalUrl}/metrics`)).text();

  beforeAll(async () => {
    const channel = uniqueChannel('metrics');
    database = await createTestDatabase('postgres');
    server = await startTestServer(database.db, { redis: { url: testRedisUrl!, channel } });
    writer = await createPublisher({ redisUrl: testRedisUrl, channel, logger: quietLogger });
  });
  afterEach(stopAll);
  afterAll(async () => {
    await writer?.close();
    await server?.close();
    await database?.dispose();
  });

  it('times commit→emit and commit→browser, counts viewers by view and disconnects by reason', async () => {
    const before = await scrape();
    expect(metricSample(before, 'realtime_commit_to_emit_seconds_count', { event: 'message:created' })).toBe(0);
    expect(metricSample(before, 'realtime_viewers', { scope: 'home', signed_in: 'true' })).toBe(0);
    expect(metricSample(before, 'redis_connection_up', { role: 'adapter-sub' })).toBe(1);
    expect(metricSample(before, 'redis_connection_up', { role: 'adapter-pub' })).toBe(1);
    expect(metricSample(before, 'db_pool_connections', { state: 'max' })).toBeGreaterThan(0);
    expect(metricSample(before, 'http_requests_in_flight')).toBe(0);

    const ann = await createUser(database.db, 'Ann');
    const newestId = await newestIdIn(database.db);
    const home = open(server.url, { kind: 'home' }, { sessionToken: ann.sessionToken, newestId, receiptSampleRate: 1 });
    const anonymous = open(server.url, { kind: 'public' }, { newestId, receiptSampleRate: 1 });
    await waitFor(() => isLive(home)() && isLive(anonymous)(), 'both pages live');

    const viewing = await scrape();
    expect(metricSample(viewing, 'realtime_viewers', { scope: 'home', signed_in: 'true' })).toBe(1);
    expect(metricSample(viewing, 'realtime_viewers', { scope: 'public', signed_in: 'false' })).toBe(1);
    expect(metricSample(viewing, 'realtime_backlog_size_messages_count')).toBe(2);

    const message = await database.db.messages.post(ann.id, 'timed');
    writer.publisher.messagePosted(message);
    await waitFor(() => home.received.length === 1 && anonymous.received.length === 1, 'both deliveries');
    // Two sockets got it, one broadcast: timed once.
    const delivered = await scrape();
    expect(metricSample(delivered, 'realtime_commit_to_emit_seconds_count', { event: 'message:created' })).toBe(1);
    expect(metricSample(delivered, 'realtime_messages_delivered_total', { event: 'message:created' })).toBe(2);
    const emitSeconds = metricSample(delivered, 'realtime_commit_to_emit_seconds_sum', { event: 'message:created' })!;
    expect(emitSeconds).toBeGreaterThanOrEqual(0);
    expect(emitSeconds).toBeLessThan(5);

    // Both pages report; a receipt for an id this server never emitted is ignored.
    home.timeline.socket.emit('delivery:receipt', { id: message.id + 1_000 });
    // Receipts travel back over the sockets: poll the server's figures until they settle.
    let receipts: number | undefined;
    for (let attempt = 0; attempt < 50 && receipts !== 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      receipts = metricSample(await scrape(), 'realtime_commit_to_browser_seconds_count');
    }
    expect(receipts).toBe(2);

    home.stop();
    anonymous.stop();
    await waitFor(() => server.server.io.engine.clientsCount === 0, 'sockets closed');
    const after = await scrape();
    expect(metricSample(after, 'realtime_disconnects_total', { reason: 'client namespace disconnect' })).toBe(2);
    expect(metricSample(after, 'realtime_viewers', { scope: 'home', signed_in: 'true' })).toBe(0);
    expect(metricSample(after, 'realtime_viewers', { scope: 'public', signed_in: 'false' })).toBe(0);
    expect(metricSample(after, 'realtime_connected_sockets')).toBe(0);
  });
});
