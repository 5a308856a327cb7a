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
});

export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;

export interface DatabaseOptions {
  /** A real PostgreSQL; without it an embedded one is started under `dataDir`. */
  url?: string | undefined;
  dataDir: string;
  poolSize?: number;
  /** Embedded only: where the disk guard says that writes stop and start again (disk-guard.ts). */
  logger?: DiskLogger;
  /** Embedded only: free space under which writes are refused (default DISK_RESERVE_BYTES); tests lower it. */
  diskReserveBytes?: number;
}

export function databaseOptionsFrom(env: DatabaseEnv): DatabaseOptions {
  return { url: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: env.DATABASE_POOL_SIZE };
}
