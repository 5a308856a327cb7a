/**
 * `tsx db/bench/explain.ts [viewer-username]`: the plans (EXPLAIN ANALYZE) of
 * My Timeline's page and catch-up statements on the bench database — what
 * bench:timelines times, shown step by step.
 */
import pg from 'pg';
import { pageStatement, sinceStatement } from '../src/domain/timelines';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/minitwit_bench';
const username = process.argv[2] ?? 'bench_follows_2000';
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const { rows } = await client.query<{ id: number }>(`select "id" from "users" where "username" = $1`, [username]);
  const userId = rows[0]?.id;
  if (!userId) throw new Error(`no user ${username}: run bench:timelines once first`);
  const { rows: ids } = await client.query<{ id: number }>(`select max("id") - 5000 as "id" from "messages"`);
  for (const [name, statement] of [
    ['page 1', pageStatement({ kind: 'home', userId }, { limit: 30 })],
    ['catch-up', sinceStatement({ kind: 'home', userId }, ids[0]?.id ?? 0, 201)],
  ] as const) {
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, buffers, timing off) ${statement.query}`,
      statement.params,
    );
    console.log(`--- ${username}: ${name}\n${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}`);
  }
} finally {
  await client.end();
}
