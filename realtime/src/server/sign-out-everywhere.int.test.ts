import { type TestDatabase, createTestDatabase, postgresUrl } from '@minitwit/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PublisherHandle, createPublisher } from '../publish/create-publisher';
import {
  type TestServer,
  createUser,
  isLive,
  quietLogger,
  startTestServer,
  waitFor,
  watcherPool,
} from '../testing/harness';
import { testRedisUrl, uniqueChannel } from '@minitwit/testing';

/**
 * Issue 19 finding 7: "sign out everywhere" ends all of a user's sessions
 * and publishes their ids in one `session:ended`, as the web app does: every
 * socket of each, on every server, is disconnected; other users' stay.
 */
describe(`sign out everywhere disconnects every session's sockets (${testRedisUrl ? 'two servers, Redis' : 'one server'})`, () => {
  let database: TestDatabase;
  let servers: TestServer[] = [];
  let publishing: PublisherHandle;
  const { open, stopAll } = watcherPool();

  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl ? 'postgres' : 'embedded');
    const channel = uniqueChannel('everywhere');
    const redis = testRedisUrl ? { url: testRedisUrl, channel } : undefined;
    servers = await Promise.all((redis ? [1, 2] : [1]).map(() => startTestServer(database.db, { redis })));
    // With Redis, the web app's publisher is the emitter; without, the in-process one.
    publishing = await createPublisher({ redisUrl: testRedisUrl, channel, logger: quietLogger });
  });
  afterEach(stopAll);
  afterAll(async () => {
    await publishing?.close();
    await Promise.all(servers.map((server) => server.close()));
    await database?.dispose();
  });

  it('disconnects the pages of each of the user’s sessions on every server, and no one else’s', async () => {
    const user = await createUser(database.db, 'Everywhere');
    const laptop = user.sessionToken;
    const phone = await database.db.sessions.create(user.id, 60_000);
    const pages = servers.flatMap((server) => [
      open(server.url, { kind: 'home' }, { sessionToken: laptop }),
      open(server.url, { kind: 'home' }, { sessionToken: phone }),
    ]);
    const other = await createUser(database.db, 'Bystander');
    const control = open(servers.at(-1)!.url, { kind: 'home' }, { sessionToken: other.sessionToken });
    await waitFor(() => [...pages, control].every((page) => isLive(page)()), 'every page live');

    // What the web app's action does: end them all, then publish the ids it got back.
    const ended = await database.db.sessions.destroyAllOf(user.id);
    expect(ended).toHaveLength(2);
    publishing.publisher.sessionEnded(ended);

    await waitFor(
      () => pages.every((page) => page.statuses.includes('offline')),
      'every page of both sessions to be disconnected',
      5_000,
    );
    // They reconnect by themselves, now anonymous: My Timeline is gone.
    await waitFor(() => pages.every((page) => page.statuses.at(-1) === 'unauthorized'), 'My Timeline to stop', 5_000);
    expect(control.statuses).not.toContain('offline');
    expect(control.statuses.at(-1)).toBe('live');
  });
});
