import pg from 'pg';
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
      ? new pg.Pool({ connectionString: target.url, max: target.poolSize })
      : new pg.Pool({ host: target.socketDir, port: target.port, user: 'postgres', database: 'postgres', max: 1 });
  // A connection that dies while idle is dropped by the pool; the next statement gets a
  // fresh one. Without a listener, pg's 'error' event would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Pool figures for health and metrics, from pg's public counters. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export const poolStats = (pool: pg.Pool): PoolStats => ({
  total: pool.totalCount,
  idle: pool.idleCount,
  waiting: pool.waitingCount,
});
