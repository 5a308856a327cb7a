import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database';
import { sessionIdOf } from './domain/sessions';
import { type DatabaseBackend, type TestDatabase, availableBackends, createTestDatabase } from './testing';

/** Issue 19 finding 7: expired sessions are purged, by several replicas at once too; a user can end all of theirs. */
describe.each(availableBackends())('sessions (%s)', (backend: DatabaseBackend) => {
  let database: TestDatabase;
  /** A second pool on the same database, as a second web replica has (the embedded database has one connection). */
  let replica: Database;
  let userCounter = 0;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    replica = database.url ? await openDatabase({ url: database.url, dataDir: '', poolSize: 2 }) : database.db;
  });
  afterAll(async () => {
    if (replica !== database?.db) await replica?.close();
    await database?.dispose();
  });

  const newUser = async () => {
    userCounter += 1;
    return database.db.users.register({
      username: `sessions ${userCounter}`,
      email: `sessions${userCounter}@example.com`,
      password: 'secret-password',
      password2: 'secret-password',
    });
  };
  const sessionCount = async () =>
    Number((await database.db.sql<{ n: string }>(`select count(*) as n from "sessions"`))[0]!.n);

  it('purges every expired session in batches, from two replicas at once, counting each once', async () => {
    const user = await newUser();
    const live = await database.db.sessions.create(user.id, 60_000);
    // 2,500 expired rows in one statement (create() would take a round trip each).
    await database.db.sql(
      `insert into "sessions" ("token_hash", "user_id", "expires_at")
       select 'expired-' || n, $1, now() - interval '1 minute' from generate_series(1, 2500) as n`,
      [user.id],
    );
    expect(await sessionCount()).toBe(2501);

    const purged = await Promise.all([
      database.db.sessions.purgeExpired(100),
      replica.sessions.purgeExpired(100),
      replica.sessions.purgeExpired(100),
    ]);
    expect(purged.reduce((sum, n) => sum + n, 0)).toBe(2500);
    expect(await sessionCount()).toBe(1);
    expect(await database.db.sessions.userFor(live)).toMatchObject({ id: user.id });
    expect(await database.db.sessions.purgeExpired()).toBe(0);
  });

  it('ends every session of one user and says which, leaving other users signed in', async () => {
    const [ann, bob] = [await newUser(), await newUser()];
    const annTokens = [
      await database.db.sessions.create(ann.id, 60_000),
      await database.db.sessions.create(ann.id, 60_000),
      await database.db.sessions.create(ann.id, 60_000),
    ];
    const bobToken = await database.db.sessions.create(bob.id, 60_000);

    const ended = await database.db.sessions.destroyAllOf(ann.id);
    expect(ended.sort()).toEqual(annTokens.map(sessionIdOf).sort());
    for (const token of annTokens) expect(await database.db.sessions.userFor(token)).toBeNull();
    expect(await database.db.sessions.userFor(bobToken)).toMatchObject({ id: bob.id });
    expect(await database.db.sessions.destroyAllOf(ann.id)).toEqual([]);
  });
});
