import type { Database } from '@minitwit/db';
import { type DatabaseBackend, type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { inProcessPublisher } from '../publish/local-hub';
import { type TestServer, startTestServer, watcherPool } from './harness';

/**
 * One realtime server without Redis on a fresh test database, for the
 * enclosing `describe` (the embedded setup: writes reach it through the
 * in-process publisher, as `npm start` does). Registers its own hooks; its
 * `db` and `url` are readable from the tests on.
 */
export function inProcessServer(backend: DatabaseBackend) {
  let database: TestDatabase | undefined;
  let server: TestServer | undefined;
  const { open, stopAll } = watcherPool();

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    server = await startTestServer(database.db);
  });
  afterEach(stopAll);
  afterAll(async () => {
    await server?.close();
    await database?.dispose();
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('inProcessServer: used before its beforeAll ran');
    return value;
  };

  return {
    get db(): Database {
      return started(database).db;
    },
    get url(): string {
      return started(server).url;
    },
    get internalUrl(): string {
      return started(server).internalUrl;
    },
    open,
    /** Writes a message and publishes it, as the API does after its commit. */
    async post(authorId: number, text: string) {
      const message = await started(database).db.messages.post(authorId, text);
      inProcessPublisher.messagePosted(message);
      return message;
    },
  };
}
