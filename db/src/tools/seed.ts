/**
 * `npm run seed -- --users 100000 --messages 10000000 --follows 2000000`:
 * loads a realistic data set into an EMPTY MiniTwit database (DATABASE_URL or
 * --database-url; the database is created if it does not exist). Refuses a
 * database that already has users, so it can never mix with real data.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../database';
import { MESSAGE_INSERT_LOCK } from '../domain/messages';
import { hashPassword } from '../domain/passwords';
import { progress } from './progress';
import { INSERT_FOLLOWS, INSERT_USERS, SEEDED_PASSWORD, insertMessages } from './seed-plan';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '10000000' },
    follows: { type: 'string', default: '2000000' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? '' },
    batch: { type: 'string', default: '500000' },
  },
});

function count(name: string, raw: string | undefined, min: number): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    console.error(`seed: --${name} must be an integer ≥ ${min}, got ${raw}`);
    process.exit(2);
  }
  return value;
}

const users = count('users', values.users, 2);
const messages = count('messages', values.messages, 0);
const follows = count('follows', values.follows, 0);
const batch = count('batch', values.batch, 1);
const url = values['database-url'] ?? '';
if (!url) {
  console.error('seed: set DATABASE_URL or --database-url (e.g. postgres://postgres@127.0.0.1:5432/minitwit_bench)');
  process.exit(2);
}
if (follows > (users * (users - 1)) / 4) {
  console.error(`seed: ${follows} follows do not fit ${users} users with the skewed graph; use fewer`);
  process.exit(2);
}

/** Creates the named database on its server when it is missing (a fresh bench database needs no manual step). */
async function ensureDatabase(target: string): Promise<void> {
  const name = decodeURIComponent(new URL(target).pathname.slice(1));
  const admin = new URL(target);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      await client.query(`create database "${name.replaceAll('"', '""')}"`);
      console.error(`seed: created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

await ensureDatabase(url);
// One connection: the session setting below must hold for every batch.
// No client-side bound on a statement's answer: its bulk inserts and vacuums take longer than a request's.
const db = await openDatabase({ url, dataDir: '', poolSize: 1, queryReadTimeoutMs: 0 });
const started = performance.now();
try {
  const [existing] = await db.sql<{ users: string; messages: string }>(
    `select (select count(*) from "users") as "users", (select count(*) from "messages") as "messages"`,
  );
  if (Number(existing?.users) > 0 || Number(existing?.messages) > 0) {
    console.error(
      `seed: refusing — ${new URL(url).pathname.slice(1)} already holds ${existing?.users} users and ${existing?.messages} messages. ` +
        'Seed only an empty database: drop it (or name a new one) and run again.',
    );
    process.exitCode = 1;
  } else {
    // Generated rows satisfy the foreign keys by construction; skipping their per-row triggers
    // roughly halves the load. Needs a superuser; without one the load is just slower.
    await db.sql(`set session_replication_role = replica`).catch(() => {
      console.error('seed: not a superuser, foreign keys are checked row by row (slower)');
    });
    await db.sql(`set maintenance_work_mem = '256MB'`);
    // The services' 10 s statement cap (fail-fast.ts) is a backstop for requests; building an index
    // over 10M rows takes longer, and this one connection runs nothing else.
    await db.sql(`set statement_timeout = 0`);

    const pwHash = await hashPassword(SEEDED_PASSWORD);
    const userBar = progress('users', users);
    for (let from = 1; from <= users; from += batch) {
      const to = Math.min(users, from + batch - 1);
      await db.sql(INSERT_USERS, [from, to, pwHash]);
      userBar.update(to);
    }
    userBar.finish();

    const followBar = progress('follows', follows);
    const followable = Math.max(2, Math.floor(users / 2));
    let made = 0;
    for (let attempt = 0; made < follows && attempt < 1000; attempt++) {
      const rows = await db.sql<{ n: string }>(
        `with "added" as (${INSERT_FOLLOWS} returning 1) select count(*) as "n" from "added"`,
        [users, followable, Math.min(batch, Math.ceil((follows - made) * 1.02))],
      );
      made += Number(rows[0]?.n ?? 0);
      followBar.update(Math.min(made, follows));
    }
    followBar.finish();
    if (made > follows) {
      // The last batch asks for a little more than needed (repeats are dropped); trim the surplus.
      await db.sql(`delete from "followers" where ctid in (select ctid from "followers" order by random() limit $1)`, [
        made - follows,
      ]);
    }

    // Filling a table and then indexing it is several times faster than updating every index per
    // batch. The definitions come from the catalogue, so the migrations stay their only source.
    const indexes = await db.sql<{ name: string; definition: string }>(
      `select c.relname as "name", pg_get_indexdef(i.indexrelid) as "definition"
       from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = '"messages"'::regclass and not i.indisprimary`,
    );
    for (const index of indexes) await db.sql(`drop index "${index.name}"`);
    try {
      const messageBar = progress('messages', messages);
      const now = Date.now();
      const statement = insertMessages(MESSAGE_INSERT_LOCK);
      for (let from = 1; from <= messages; from += batch) {
        const to = Math.min(messages, from + batch - 1);
        await db.sql(statement, [from, to, messages, users, now]);
        messageBar.update(to);
      }
      messageBar.finish();
    } finally {
      const indexBar = progress('indexes', indexes.length);
      for (const [n, index] of indexes.entries()) {
        await db.sql(index.definition);
        indexBar.update(n + 1);
      }
      indexBar.finish();
    }

    await db.sql(`set session_replication_role = origin`).catch(() => undefined);
    // Fresh statistics for the planner, and a visibility map so index-only scans skip the heap.
    process.stderr.write('vacuum analyze...\n');
    for (const table of ['users', 'followers', 'messages']) await db.sql(`vacuum (analyze) "${table}"`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`seed: ${users} users, ${follows} follows, ${messages} messages in ${seconds} s\n`);
  }
} finally {
  await db.close();
}
