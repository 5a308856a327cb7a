/**
 * `npm run bench:post-groups [-- database-url]`: what group commit
 * (db/src/group-commit.ts) does for concurrent posts, in one run against one
 * PostgreSQL (default: the local one; point it at a cluster with a
 * synchronous standby to see the standby's share). N writers post for a
 * fixed time each way, the ways taking turns round by round:
 *   one at a time  `messages.post` (the web's post): one statement, one
 *                  commit per post under the insert lock, as the simulator's
 *                  post ran before grouping (the same statement shape, with
 *                  the author by id instead of by name)
 *   grouped        `messages.postAs` (the simulator's post): posts that arrive
 *                  while a group is in flight go out together
 * both on the same Database (pool of 10, as the api's default). Prints posts
 * per second and p50 / p99 latency per round, then the median and spread.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/database';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    writers: { type: 'string', default: '8,32' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
  },
});
const url = positionals[0] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WRITERS = flags.writers.split(',').map(Number);
const ROUND_MS = Number(flags.seconds) * 1000;
const ROUNDS = Number(flags.rounds);

// A scratch database of its own (migrated on open), dropped at the end.
const name = `bench_post_groups_${process.pid}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`create database "${name}"`);
const scratch = new URL(url);
scratch.pathname = `/${name}`;
const db = await openDatabase({ url: scratch.toString(), dataDir: '', poolSize: 10 });
const author = await db.users.register({ username: name, email: `${name}@example.com`, password: 'pw' });
const settings = await db.sql<{ name: string; setting: string }>(
  `select "name", "setting" from "pg_settings" where "name" in ('fsync', 'synchronous_commit', 'synchronous_standby_names')`,
);
console.log(`database: ${settings.map((row) => `${row.name}=${row.setting || "''"}`).join(', ')}`);

const ways: Record<string, (text: string) => Promise<unknown>> = {
  'one at a time': (text) => db.messages.post(author.id, text),
  grouped: (text) => db.messages.postAs(name, text, { latest: 1 }),
};

interface Round {
  perSecond: number;
  p50: number;
  p99: number;
}

async function round(post: (text: string) => Promise<unknown>, writers: number): Promise<Round> {
  const latencies: number[] = [];
  const until = performance.now() + ROUND_MS;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let n = 0; performance.now() < until; n++) {
        const started = performance.now();
        await post(`bench ${writer}.${n}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
  return { perSecond: latencies.length / (ROUND_MS / 1000), p50: at(0.5), p99: at(0.99) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const spread = (values: number[], digits: number) =>
  `median ${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

try {
  for (const writers of WRITERS) {
    const results: Record<string, Round[]> = {};
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which way goes first, so a machine that slows during a round hits both alike.
      const order = r % 2 === 0 ? Object.keys(ways) : Object.keys(ways).reverse();
      for (const way of order) {
        const result = await round(ways[way]!, writers);
        (results[way] ??= []).push(result);
        console.log(
          `${writers} writers, round ${r + 1}, ${way}: ${result.perSecond.toFixed(0)} posts/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`,
        );
      }
    }
    for (const [way, rounds] of Object.entries(results))
      console.log(
        `== ${writers} writers, ${way}: posts/s ${spread(
          rounds.map((x) => x.perSecond),
          0,
        )}; p99 ms ${spread(
          rounds.map((x) => x.p99),
          1,
        )}`,
      );
    const ratio =
      median(results.grouped!.map((x) => x.perSecond)) / median(results['one at a time']!.map((x) => x.perSecond));
    console.log(`== ${writers} writers: grouped / one at a time (posts/s, medians) ${ratio.toFixed(2)}`);
  }
} finally {
  await db.close();
  await admin.query(`drop database "${name}"`);
  await admin.end();
}
