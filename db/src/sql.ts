import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { isDatabaseUnavailable } from './fail-fast';

/**
 * Runs one SQL statement (`$1`-style placeholders) and returns its rows. Hot
 * paths use single statements through this rather than the unit of work: one
 * statement is one round trip and one implicit, durable transaction.
 *
 * It runs on a `pg.Pool` of its own — the driver's public API — not on the
 * ORM's connections: MikroORM's `execute` inlines every value into the SQL
 * text (no server-side parameters) and knex's `raw` adds its query builder,
 * runner and events; measured here per statement, interleaved, on a loaded
 * machine (db/bench/sql-path-bench.ts): bare `pg` 124 µs, knex `raw` 191 µs,
 * MikroORM `execute` 232 µs (minimum of 9 rounds of 2,000). The simulator
 * API's whole budget over the bare floor is ~0.3 ms a request.
 */
export type Sql = <Row = Record<string, unknown>>(query: string, params?: readonly unknown[]) => Promise<Row[]>;

/**
 * Statements with parameters run as named prepared statements: each
 * connection parses and plans a statement once and then reuses it
 * (PostgreSQL switches to a generic plan when it is no worse), instead of
 * planning every call — the timeline statements are a dozen CTEs, whose
 * planning would cost as much as running them. The texts come from a few
 * fixed templates, so the names are few. Statements without parameters
 * (`set`, `vacuum`, DDL in tools) run unnamed.
 */
const names = new Map<string, string>();

function statementName(query: string): string {
  let name = names.get(query);
  if (!name) {
    name = `mt_${createHash('sha1').update(query).digest('hex').slice(0, 20)}`;
    names.set(query, name);
  }
  return name;
}

/**
 * `named: false` for the embedded PGlite: behind pglite-socket every client
 * connection shares PGlite's one backend session, so a statement prepared by
 * a connection the pool has since closed (idle) is still there, and the next
 * connection's `prepare` of the same name fails with "already exists".
 */
export function sqlFor(pool: pg.Pool, { named }: { named: boolean }): Sql {
  return async <Row>(query: string, params: readonly unknown[] = []) => {
    const values = params as unknown[];
    const client = await connectRetrying(pool);
    // A connection lost mid-statement also emits 'error', which would end the process unheard;
    // the statement's own rejection reports it (pg's `pool.query` listens the same way).
    client.on('error', ignoreError);
    try {
      let result: pg.QueryResult;
      if (values.length === 0) result = await client.query(query);
      else if (named) result = await client.query({ name: statementName(query), text: query, values });
      else result = await client.query(query, values);
      client.release();
      return result.rows as Row[];
    } catch (error) {
      // As pg's own `pool.query` does: a connection that saw an error is not reused.
      client.release(error instanceof Error ? error : true);
      throw error;
    } finally {
      client.off('error', ignoreError);
    }
  };
}

const ignoreError = () => undefined;

/** A statement opens a connection again only within this long of its first try... */
export const CONNECT_RETRY_WINDOW_MS = 300;
/** ...and only after an open that failed this fast: refused or hung up on, not timed out. */
export const FAST_FAILURE_MS = 50;
const CONNECT_ATTEMPTS = 4;
const CONNECT_RETRY_PAUSE_MS = 25;

/**
 * A pooled connection, opened again when opening failed fast: nothing of the
 * statement was sent then, so trying again is safe even for a write. Each
 * open resolves the host again, and in Swarm the database's name has a task
 * per host (HAProxy, `dnsrr`): when one is drained or replaced, a connect
 * that drew its address was refused and its request got a 503, while the
 * next lookup names a task that is there (issue 18's drain and deploy runs).
 * Only fast failures, within 300 ms: a slow one (a timeout, or HAProxy trying
 * a primary that is gone) would fail the same way again, and an outage must
 * still answer 503 at once (a planned switchover's slowest answer is held to
 * 1 s). A failure after the statement was sent is never retried (it may
 * have committed).
 */
async function connectRetrying(pool: pg.Pool): Promise<pg.PoolClient> {
  const started = performance.now();
  for (let attempt = 1; ; attempt += 1) {
    const attemptStarted = performance.now();
    try {
      return await pool.connect();
    } catch (error) {
      const now = performance.now();
      const retry =
        isDatabaseUnavailable(error) &&
        attempt < CONNECT_ATTEMPTS &&
        now - attemptStarted < FAST_FAILURE_MS &&
        now - started < CONNECT_RETRY_WINDOW_MS;
      if (!retry) throw error;
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_PAUSE_MS));
    }
  }
}

/**
 * Prefixes a statement that starts with its own CTEs (`"x" as (...) select ...`)
 * with the update of the simulator's `latest` counter, so recording it costs no
 * extra round trip. A data-modifying CTE always runs to completion, whatever
 * the main statement finds. `latest` becomes the last parameter.
 */
export function withLatest(latest: number | undefined, query: string, params: readonly unknown[]) {
  if (latest === undefined) return { query: `with ${query}`, params };
  return {
    query: `with "latest_update" as (update "simulator_state" set "latest" = $${params.length + 1} where "id" = 1), ${query}`,
    params: [...params, latest],
  };
}

/** Selects a timestamptz as epoch milliseconds (a float8, which `pg` returns as a number). */
export const epochMs = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;
