import type pg from 'pg';

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

export function sqlFor(pool: pg.Pool): Sql {
  return async <Row>(query: string, params: readonly unknown[] = []) => {
    const result = await pool.query(query, params as unknown[]);
    return result.rows as Row[];
  };
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
