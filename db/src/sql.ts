import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Runs one SQL statement (`$1`-style placeholders) on a connection of the ORM's
 * own pool. Hot paths use single statements through this rather than the unit
 * of work: one statement is one round trip and one implicit, durable
 * transaction. Using the ORM's pool (instead of a second pool) keeps the
 * embedded PGlite, which is one session, on one connection.
 */
export type Sql = <Row = Record<string, unknown>>(query: string, params?: readonly unknown[]) => Promise<Row[]>;

/** A statement rewritten for knex: `?` placeholders, and which `$n` each one was. */
interface KnexStatement {
  text: string;
  order: number[];
}

/**
 * Knex binds positional `?` placeholders; our statements use PostgreSQL's
 * `$n`, which may repeat (`$1` twice). Each distinct statement text is
 * rewritten once and remembered: the texts come from a few fixed templates.
 */
const rewritten = new Map<string, KnexStatement>();
const MAX_REMEMBERED = 1_000;

export function toKnexStatement(query: string): KnexStatement {
  const known = rewritten.get(query);
  if (known) return known;
  // A literal `?` would be taken for a placeholder by knex; none of our statements has one.
  if (query.includes('?')) throw new Error('SQL statements for sql() must not contain "?"');
  const order: number[] = [];
  const text = query.replace(/\$(\d+)/g, (_match, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  const statement = { text, order };
  if (rewritten.size < MAX_REMEMBERED) rewritten.set(query, statement);
  return statement;
}

export function sqlFor(orm: MikroORM): Sql {
  // The public entry points: MikroORM's `getKnex()` and knex's `raw(sql, bindings)`,
  // which takes a connection from the ORM's pool, binds the values as real
  // parameters, and returns the driver's result. Not MikroORM's `execute`:
  // it inlines every value into the SQL text (no server-side parameters) and
  // measured ~0.13–0.4 ms more per statement here (docs/decisions.md, "The ORM seam").
  const knex = orm.em.getConnection().getKnex();
  return async <Row>(query: string, params: readonly unknown[] = []) => {
    const statement = toKnexStatement(query);
    const bindings = statement.order.map((index) => params[index]);
    const result = (await knex.raw(statement.text, bindings as never)) as { rows: Row[] };
    return result.rows;
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
