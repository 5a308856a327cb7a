import pg from 'pg';
import { QUERY_READ_TIMEOUT_MS, failFastConnection } from './fail-fast';
import type { ConnectionTarget } from './orm';

/**
 * The pool the domain statements run on (`sql.ts` says why it is not the
 * ORM's). Against the embedded PGlite it is one connection beside the ORM's
 * one: pglite-socket queues the two sessions' statements and keeps a
 * transaction's statements together, and the only ORM transactions (the
 * migrations) finish before this pool opens.
 */
/**
 * How long an idle connection stays open (pg's default is 10 s). A new one
 * costs a DNS lookup, a TCP connect and a SCRAM handshake, paid by the request
 * that needed it, and under Docker the lookup goes to the engine's embedded
 * DNS, which can take tens of milliseconds and now and then over a second
 * (docs/decisions.md, "Database connections stay open 5 minutes"). With 10 s,
 * the second connection that two overlapping requests (or a request and a
 * health probe) need was closed again between overlaps, and every overlap
 * paid a fresh connect.
 */
export const IDLE_CONNECTION_MS = 5 * 60_000;

/**
 * How long a connection serves before the pool ends it (once it is idle) and opens another. The
 * address `postgres` is a proxy with several tasks (HAProxy, docker-stack.yml), and a task that
 * stops (a drained host, a rolling update) stops accepting but keeps the connections it has
 * (its stop signal is SIGUSR1, HAProxy's soft stop) for its 45 s stop grace period. Kept for
 * minutes, the connections through it were cut when it finally went, with statements on them:
 * 58 x 503 in one multi-host drain (2026-12-07). After 30 s the pool has moved to the tasks
 * that stay, by DNS. A connect costs tens of milliseconds under Docker (see above): a few a
 * minute per process.
 */
export const CONNECTION_LIFETIME_S = 30;

export function openPool(target: ConnectionTarget): pg.Pool {
  const pool =
    'url' in target
      ? // Fail fast (fail-fast.ts): pg's connectionTimeoutMillis bounds both the wait for a pooled
        // connection and a new connect, so a request gets its 503 instead of hanging.
        new pg.Pool({
          connectionString: target.url,
          max: target.poolSize,
          idleTimeoutMillis: IDLE_CONNECTION_MS,
          maxLifetimeSeconds: target.connectionLifetimeS ?? CONNECTION_LIFETIME_S,
          ...failFastConnection,
          // Only here, not in failFastConnection: the ORM's connections also run the migrations.
          query_timeout: target.queryReadTimeoutMs ?? QUERY_READ_TIMEOUT_MS,
        })
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
  // The pool listens only while a connection is idle in it. One that ends while a caller holds
  // it with no statement running (between statements, or just handed over) emits 'error' too,
  // and with no listener that emit throws and ends the process (connect-retry.int.test.ts cuts
  // a held connection through a proxy, as HAProxy does when it marks a primary down). Every
  // connection listens from its start; the caller's next statement fails as unavailable, and
  // releasing it drops it.
  pool.on('connect', (client) => client.on('error', () => undefined));
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
