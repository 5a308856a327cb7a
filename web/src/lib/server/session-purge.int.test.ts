import { PassThrough } from 'node:stream';
import { type DatabaseBackend, type TestDatabase, availableBackends, createTestDatabase } from '@minitwit/db/testing';
import { createLogger } from '@minitwit/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSessionPurge } from './session-purge';

const waitFor = async (condition: () => Promise<boolean>, what: string, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** Issue 19 finding 7: the web app removes expired sessions on its own, and keeps at it after a failure. */
describe.each(availableBackends())('session purge timer (%s)', (backend: DatabaseBackend) => {
  let database: TestDatabase;
  const lines: Array<{ level: string; message: string; purged?: number }> = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const logger = createLogger({ service: 'web-test', destination });

  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  const rows = async () =>
    (await database.db.sql<{ token_hash: string }>(`select "token_hash" from "sessions"`)).map((row) => row.token_hash);

  it('removes expired sessions round after round and leaves live ones', async () => {
    const user = await database.db.users.register({
      username: 'purged',
      email: 'purged@example.com',
      password: 'secret-password',
      password2: 'secret-password',
    });
    const live = await database.db.sessions.create(user.id, 60_000);
    await database.db.sessions.create(user.id, -1_000);
    await database.db.sessions.create(user.id, -60_000);
    // Expires while the timer runs: a later round takes it.
    const soon = await database.db.sessions.create(user.id, 1_500);

    const stop = startSessionPurge(database.db, logger, { everyMs: 100, firstWithinMs: 0 });
    try {
      // On a slow machine the first round may come after `soon` expired too: then it takes all three at once.
      await waitFor(async () => (await rows()).length <= 2, 'the expired sessions to go', 15_000);
      await waitFor(async () => (await rows()).length === 1, 'the session that expired later to go', 15_000);
    } finally {
      stop();
    }
    expect(await database.db.sessions.userFor(live)).toMatchObject({ id: user.id });
    expect(await database.db.sessions.userFor(soon)).toBeNull();
    const purged = lines.filter((line) => line.message === 'expired sessions purged');
    expect(purged.reduce((sum, line) => sum + (line.purged ?? 0), 0)).toBe(3);
  });

  it('logs a failed round as a warning and tries again', async () => {
    let calls = 0;
    const flaky = {
      sessions: {
        purgeExpired: async () => {
          calls += 1;
          if (calls === 1) throw new Error('connection terminated');
          return 0;
        },
      },
    } as unknown as Parameters<typeof startSessionPurge>[0];
    const stop = startSessionPurge(flaky, logger, { everyMs: 20, firstWithinMs: 0 });
    try {
      await waitFor(async () => calls >= 3, 'rounds after the failure');
    } finally {
      stop();
    }
    const failures = lines.filter((line) => line.message === 'purging expired sessions failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.level).toBe('warn');
  });
});
