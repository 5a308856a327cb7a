/**
 * `tsx db/bench/sql-path-bench.ts [database-url]`: what each way of running
 * one parameterised statement costs per call on the ORM's pool, one at a time,
 * interleaved in rounds so machine noise hits every path alike: bare `pg`
 * client (the floor), a `pg.Pool` of one (what `sql()` uses), knex's private
 * pool calls (what `sql()` used before), knex's public `raw`, and MikroORM's
 * public `execute`.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { sqlFor } from '../src/sql';

const url = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CALLS = 2_000;
const ROUNDS = 9;
const QUERY = 'select $1::int + 1 as "n", $2::text as "t"';

const orm = await MikroORM.init({
  clientUrl: url,
  entities: [],
  discovery: { warnWhenNoEntities: false },
  pool: { min: 1, max: 1 },
  debug: false,
});
const client = new pg.Client({ connectionString: url });
await client.connect();
const pool = new pg.Pool({ connectionString: url, max: 1 });
const sql = sqlFor(pool, { named: true });
const knex = orm.em.getConnection().getKnex();
const connection = orm.em.getConnection();
// The previous path, for comparison only: knex's private pool calls (not a public API).
const knexClient = connection.getKnex().client as {
  acquireConnection(): Promise<pg.Client>;
  releaseConnection(c: pg.Client): Promise<void>;
};
const paths: Record<string, (i: number) => Promise<unknown>> = {
  'bare pg client': (i) => client.query(QUERY, [i, 'x']),
  'private pool calls': async (i) => {
    const borrowed = await knexClient.acquireConnection();
    try {
      return await borrowed.query(QUERY, [i, 'x']);
    } finally {
      await knexClient.releaseConnection(borrowed);
    }
  },
  'sql() = pg.Pool': (i) => sql(QUERY, [i, 'x']),
  'knex raw': (i) => knex.raw('select ?::int + 1 as "n", ?::text as "t"', [i, 'x']),
  'MikroORM execute': (i) => connection.execute('select ?::int + 1 as "n", ?::text as "t"', [i, 'x']),
};
const results: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(paths)) {
    for (let i = 0; i < 200; i++) await run(i);
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) await run(i);
    (results[name] ??= []).push(((performance.now() - started) / CALLS) * 1000);
  }
}
for (const [name, perCall] of Object.entries(results)) {
  const sorted = [...perCall].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(18)} µs per call: median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)}, min ${sorted[0]?.toFixed(0)}, max ${sorted.at(-1)?.toFixed(0)}`,
  );
}
await client.end();
await pool.end();
await orm.close(true);
