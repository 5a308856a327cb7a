import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Runs one SQL statement (`$1`-style placeholders) on a connection of the ORM's
 * own pool. Hot paths use single statements through this rather than the unit
 * of work: one statement is one round trip and one implicit, durable
 * transaction. Borrowing from the ORM's pool (instead of a second pool) keeps
 * the embedded PGlite, which is one session, on one connection.
 */
export type Sql = <Row = Record<string, unknown>>(query: string, params?: readonly unknown[]) => Promise<Row[]>;

interface PgConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The two pool calls of knex's client that MikroORM's postgresql driver is built on. */
interface PooledClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

export function sqlFor(orm: MikroORM): Sql {
  // Measured here: MikroORM's `execute` adds ~0.13–0.4 ms per statement over the
  // driver (binding rewrite, logging, result mapping); the simulator API's
  // budget is a few milliseconds per request, so the hot path skips that layer.
  const client = orm.em.getConnection().getKnex().client as unknown as PooledClient;
  return async <Row>(query: string, params: readonly unknown[] = []) => {
    const connection = await client.acquireConnection();
    try {
      const result = await connection.query(query, [...params]);
      return result.rows as Row[];
    } finally {
      await client.releaseConnection(connection);
    }
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
