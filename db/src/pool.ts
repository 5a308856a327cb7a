import pg from 'pg';
import { failFastConnection } from './fail-fast';
import type { ConnectionTarget } from './orm';

/**
 * The pool the domain statements run on (`sql.ts` says why it is not the
 * ORM's). Against the embedded PGlite it is one connection beside the ORM's
 * one: pglite-socket queues the two sessions' statements and keeps a
 * transaction's statements together, and the only ORM transactions (the
 * migrations) finish before this pool opens.
 */
export function openPool(target: ConnectionTarget): pg.Pool {
  const pool =
    'url' in target
      ? // Fail fast (fail-fast.ts): pg's connectionTimeoutMillis bounds both the wait for a pooled
        // connection and a new connect, so a request gets its 503 instead of hanging.
        new pg.Pool({ connectionString: target.url, max: target.poolSize, ...failFastConnection })
      : new pg.Pool({
          host: target.socketDir,
          port: target.port,
          user: 'postgres',
          database: 'postgres',
          max: 1,
          connectionTimeoutMillis: failFastConnection.connectionTimeoutMillis,
        });
  // A connection that dies while idle is dropped by the pool; the next statement gets a
  // fresh one. Without a listener, pg's 'error' event would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Pool figures for the metrics (`db_pool_connections`), from pg's public counters; shaped like @minitwit/monitoring's PoolStats. */
export interface PoolStats {
  inUse: number;
  idle: number;
  waiting: number;
  max: number;
}

export const poolStats = (pool: pg.Pool): PoolStats => ({
  inUse: pool.totalCount - pool.idleCount,
  idle: pool.idleCount,
  waiting: pool.waitingCount,
  max: pool.options.max,
});
