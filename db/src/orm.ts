import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { entities } from './entities';
import { failFastConnection, failFastPool } from './fail-fast';
import { migrationsList } from './migrations';

export type ConnectionTarget =
  | { url: string; poolSize: number }
  /** The embedded server: a Unix socket, and a single connection (PGlite is one session). */
  | { socketDir: string; port: number };

function connectionOptions(target: ConnectionTarget): Options {
  // The ORM runs migrations and the occasional multi-row change; the domain's statements
  // have their own pool (pool.ts), so two connections are plenty and none is held idle.
  if ('url' in target) {
    return {
      clientUrl: target.url,
      pool: { min: 0, max: 2, ...failFastPool },
      driverOptions: { connection: failFastConnection },
    };
  }
  return {
    host: target.socketDir,
    port: target.port,
    user: 'postgres',
    dbName: 'postgres',
    // In-process: only the pool wait can hang (one connection, so a stuck statement holds everyone).
    pool: { min: 0, max: 1, ...failFastPool },
  };
}

/** An arbitrary constant: the advisory lock every MiniTwit process takes around its migrations. */
const MIGRATION_LOCK = 4_217_001;

/**
 * Replicas (api, web, realtime) start together and all migrate on start; a
 * session-level advisory lock on a connection of its own makes them take
 * turns, so the first applies the migrations and the others find nothing to
 * do. The embedded database has one process and one connection: no lock.
 */
async function withMigrationLock(target: ConnectionTarget, migrate: () => Promise<void>): Promise<void> {
  if (!('url' in target)) return migrate();
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate();
  } finally {
    // Ending the session releases the lock even if the unlock is never sent.
    await client.end();
  }
}

/** Opens the ORM and brings the schema up to date: migrations are the only schema changes. */
export async function openOrm(target: ConnectionTarget): Promise<MikroORM> {
  const orm = await MikroORM.init({
    ...connectionOptions(target),
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    discovery: { warnWhenNoEntities: false },
    debug: false,
    logger: () => undefined,
  });
  try {
    await withMigrationLock(target, async () => {
      await orm.getMigrator().up();
    });
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}
