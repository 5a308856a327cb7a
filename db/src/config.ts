import { z } from 'zod';
import type { DiskLogger } from './disk-guard';

/** An optional URL variable; set-but-empty counts as unset (as in `DATABASE_URL= npm start`). */
export function optionalUrl(shape: RegExp, message: string) {
  return z.preprocess((value) => (value === '' ? undefined : value), z.string().regex(shape, message).optional());
}

/**
 * The database part of every service's environment. Services merge this into
 * their own schema; the variables are documented in `.env.example`.
 */
export const databaseEnvSchema = z.object({
  DATABASE_URL: optionalUrl(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  /** Where the embedded PostgreSQL keeps its files when DATABASE_URL is unset. */
  DATA_DIR: z.string().min(1).default('.data/pglite'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * `run`: apply pending migrations on start (under the advisory lock) — needs the
   * schema owner's rights. `wait`: never migrate; wait until the owner's
   * `npm run migrate` has recorded every migration this build knows, so a service
   * can connect as a role that cannot change the schema (docs/security.md).
   * Ignored by the embedded database, which always migrates (one process).
   */
  DATABASE_MIGRATIONS: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(['run', 'wait']).default('run'),
  ),
});

export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;

export type MigrationMode = 'run' | 'wait';

export interface DatabaseOptions {
  /** A real PostgreSQL; without it an embedded one is started under `dataDir`. */
  url?: string | undefined;
  dataDir: string;
  poolSize?: number;
  /**
   * With `url`: how long a statement's answer is waited for on the client
   * (QUERY_READ_TIMEOUT_MS by default, for the request path; 0 for none, for
   * tools whose bulk statements take longer).
   */
  queryReadTimeoutMs?: number;
  /** With `url`: migrate on open (`run`, the default) or wait for the owner to (`wait`); see DATABASE_MIGRATIONS. */
  migrations?: MigrationMode;
  /** `wait` only: how long to wait for the migrations before giving up (default MIGRATION_WAIT_MS); tests lower it. */
  migrationWaitMs?: number;
  /** Where the disk guard (embedded) says that writes stop and start again, and `wait` that it waits. */
  logger?: DiskLogger;
  /** Embedded only: free space under which writes are refused (default DISK_RESERVE_BYTES); tests lower it. */
  diskReserveBytes?: number;
}

export function databaseOptionsFrom(env: DatabaseEnv): DatabaseOptions {
  return {
    url: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    poolSize: env.DATABASE_POOL_SIZE,
    migrations: env.DATABASE_MIGRATIONS,
  };
}
