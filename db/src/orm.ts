import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { MigrationMode } from './config';
import type { DiskLogger } from './disk-guard';
import { entities } from './entities';
import { failFastConnection, failFastPool, isDatabaseUnavailable } from './fail-fast';
import { migrationsList } from './migrations';

export type ConnectionTarget =
  | { url: string; poolSize: number; queryReadTimeoutMs?: number | undefined; connectionLifetimeS?: number }
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

/** How long a service in `wait` mode waits for the owner's migrations before it gives up. */
export const MIGRATION_WAIT_MS = 5 * 60_000;
const MIGRATION_POLL_MS = 500;

export interface MigrationOptions {
  /** `run`: apply pending migrations (the embedded database always does); `wait`: only wait for them. */
  mode?: MigrationMode;
  waitMs?: number;
  logger?: DiskLogger | undefined;
}

/**
 * The migrations this build knows that the database has not recorded. Reads
 * MikroORM's table directly rather than through the migrator, which would
 * first try to create the table: the app role may only read it.
 */
async function missingMigrations(orm: MikroORM): Promise<string[]> {
  const table = orm.config.get('migrations').tableName ?? 'mikro_orm_migrations';
  const connection = orm.em.getConnection();
  const [found] = await connection.execute<{ present: boolean }[]>('select to_regclass(?) is not null as "present"', [
    table,
  ]);
  const known = migrationsList.map((migration) => migration.name);
  if (!found?.present) return known;
  const rows = await connection.execute<{ name: string }[]>(`select "name" from "${table}"`);
  const recorded = new Set(rows.map((row) => row.name));
  return known.filter((name) => !recorded.has(name));
}

/**
 * The migrations still missing, or the error that kept us from looking when
 * the database is away (restarting, failing over): a waiting service looks
 * again. Patroni restarts PostgreSQL once right after bootstrapping it, and
 * replicas waiting on a new cluster then exited with an unhandled "Connection
 * terminated unexpectedly" (issue 18's multi-host run, 2026-12-07).
 */
async function lookForMissing(orm: MikroORM): Promise<string[] | { unavailable: unknown }> {
  try {
    return await missingMigrations(orm);
  } catch (error) {
    if (isDatabaseUnavailable(error)) return { unavailable: error };
    throw error;
  }
}

/**
 * `DATABASE_MIGRATIONS=wait`: a service connected as minitwit_app cannot
 * migrate, so it waits for the owner's `npm run migrate` (a deploy runs it
 * before, or while, the new replicas start). Migrations the database has and
 * this build does not know (a newer release migrated first) are no reason to
 * wait: migrations stay compatible with the previous release. A database
 * that is away meanwhile is waited for too, within the same time.
 */
async function waitForMigrations(orm: MikroORM, options: MigrationOptions): Promise<void> {
  const waitMs = options.waitMs ?? MIGRATION_WAIT_MS;
  const deadline = Date.now() + waitMs;
  let saidMissing = false;
  let saidUnavailable = false;
  for (;;) {
    const found = await lookForMissing(orm);
    if (Array.isArray(found)) {
      if (found.length === 0) {
        if (saidMissing) options.logger?.info('database: migrations applied by the schema owner; starting');
        return;
      }
      if (!saidMissing) {
        options.logger?.info('database: waiting for the schema owner to apply the migrations (npm run migrate)', {
          missing: found,
          waitMs,
        });
        saidMissing = true;
      }
    } else if (!saidUnavailable) {
      options.logger?.info('database: unavailable while looking for the migrations; looking again', {
        error: String(found.unavailable),
      });
      saidUnavailable = true;
    }
    if (Date.now() >= deadline) {
      if (!Array.isArray(found)) throw found.unavailable;
      throw new Error(
        `DATABASE_MIGRATIONS=wait: after ${Math.round(waitMs / 1000)} s the database still lacks ` +
          `${found.length} of this build's ${migrationsList.length} migrations (${found.join(', ')}); ` +
          'run `npm run migrate` as the schema owner (minitwit_owner), or start with DATABASE_MIGRATIONS=run',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(MIGRATION_POLL_MS, deadline - Date.now())));
  }
}

/**
 * Opens the ORM with the schema up to date: migrations are the only schema
 * changes. It applies them itself (`run`) or waits for the owner (`wait`,
 * with a URL only: the embedded database is one process, nobody else would).
 */
export async function openOrm(target: ConnectionTarget, options: MigrationOptions = {}): Promise<MikroORM> {
  const orm = await MikroORM.init({
    ...connectionOptions(target),
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    discovery: { warnWhenNoEntities: false },
    // The database exists before any service starts (Patroni's bootstrap, compose, the tests);
    // the ORM never creates one. MikroORM's own check (`select 1 from pg_database`) ran before
    // anything here could wait for a database that is slow or away, and a replica starting
    // while the primary was busy exited on its pool timeout: in a rolling update Swarm then
    // rolled the whole service back (issue 18, multi-host run 16). Without the check, init opens
    // nothing, and `wait` mode waits for the database as for the migrations.
    ensureDatabase: false,
    debug: false,
    logger: () => undefined,
  });
  try {
    if (options.mode === 'wait' && 'url' in target) {
      await waitForMigrations(orm, options);
    } else {
      await withMigrationLock(target, async () => {
        await orm.getMigrator().up();
      });
    }
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}
