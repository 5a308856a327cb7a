import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from './database';

export { seededRandom } from './seeded-random';
export {
  type ScopeCase,
  type WorldPublisher,
  buildKindWorld,
  deliveredIds,
  everyScope,
  registerKindWorld,
  roomsJoined,
  writeKindWorld,
} from './testing-support/kind-world';

/**
 * Test support: every test file gets a database of its own, either a fresh
 * embedded PGlite in a temp dir, or a fresh database created on the real
 * PostgreSQL named by DATABASE_URL (set by `.ci/run`). The only reader of the
 * test environment for databases.
 */
export type DatabaseBackend = 'embedded' | 'postgres';

export const postgresUrl: string | undefined = process.env.DATABASE_URL || undefined;

/** The backends this run can test: always the embedded one, PostgreSQL when DATABASE_URL is set. */
export function availableBackends(): DatabaseBackend[] {
  if (!postgresUrl) {
    console.warn('SKIPPED: PostgreSQL tests — DATABASE_URL is not set, only the embedded database is tested');
    return ['embedded'];
  }
  return ['embedded', 'postgres'];
}

export interface TestDatabase {
  db: Database;
  /** Connection URL of the created database (postgres backend only), for spawning services on it. */
  url?: string;
  dataDir?: string;
  dispose(): Promise<void>;
}

export async function createTestDatabase(backend: DatabaseBackend): Promise<TestDatabase> {
  if (backend === 'embedded') {
    const dataDir = await mkdtemp(join(tmpdir(), 'minitwit-test-'));
    const db = await openDatabase({ dataDir });
    return {
      db,
      dataDir,
      async dispose() {
        await db.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  if (!postgresUrl) throw new Error('DATABASE_URL is required for the postgres backend');
  const name = `minitwit_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 4 });
  return {
    db,
    url: url.toString(),
    async dispose() {
      await db.close();
      await adminQuery(`drop database if exists "${name}" with (force)`);
    },
  };
}

async function adminQuery(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * One string that changes whenever a user, message, follow or session is
 * added, changed or removed: fuzz tests compare it around a refused request,
 * which must change nothing. (`latest` is left out: the simulator contract
 * records it even on a refused request.)
 */
export async function contentFingerprint(db: Database): Promise<string> {
  const [row] = await db.sql<{ fingerprint: string }>(
    `select concat_ws('|',
       (select md5(coalesce(string_agg(concat_ws(',', "id", "username", "email", "pw_hash"), ';' order by "id"), '')) from "users"),
       (select md5(coalesce(string_agg(concat_ws(',', "id", "author_id", "text", "pub_date", "flagged"), ';' order by "id"), '')) from "messages"),
       (select md5(coalesce(string_agg(concat_ws(',', "who_id", "whom_id"), ';' order by "who_id", "whom_id"), '')) from "followers"),
       (select md5(coalesce(string_agg("token_hash", ';' order by "token_hash"), '')) from "sessions")
     ) as "fingerprint"`,
  );
  return row?.fingerprint ?? '';
}
