import { afterEach, describe, expect, it } from 'vitest';
import { type TestDatabase, availableBackends, createTestDatabase } from '../testing';
import { CANONICAL_USERNAMES } from './Migration20261206000000_nfc_usernames';

/** Rows as registration stored them before names were normalised: any spelling went in as sent. */
async function insertUsers(database: TestDatabase, names: string[]): Promise<void> {
  for (const name of names) {
    await database.db.sql(`insert into "users" ("username", "email", "pw_hash") values ($1, 'x@example.com', 'x')`, [
      name,
    ]);
  }
}

const usernames = async (database: TestDatabase) =>
  (await database.db.sql<{ username: string }>(`select "username" from "users" order by "id"`)).map(
    (row) => row.username,
  );

describe.each(availableBackends())('the NFC username migration on %s PostgreSQL', (backend) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
  });

  it('brings old spellings to NFC, leaves taken names and NFC rows alone, and keeps every row', async () => {
    database = await createTestDatabase(backend);
    await insertUsers(database, [
      'ann',
      'Jose\u0301', // alone: becomes José
      'Zoë', // NFC already: the owner of the name
      'Zoe\u0308', // a look-alike of Zoë: keeps its spelling
      'a\u0302\u0323', // two old spellings of ậ: the older account gets it
      'a\u0323\u0302',
    ]);
    await database.db.sql(CANONICAL_USERNAMES);
    expect(await usernames(database)).toEqual(['ann', 'José', 'Zoë', 'Zoe\u0308', '\u1ead', 'a\u0323\u0302']);
    // Run again, nothing changes: the migration is safe on a database that has only NFC names.
    const before = await usernames(database);
    await database.db.sql(CANONICAL_USERNAMES);
    expect(await usernames(database)).toEqual(before);
    expect(await database.db.users.findByUsername('Jose\u0301')).toMatchObject({ username: 'José' });
  });
});
