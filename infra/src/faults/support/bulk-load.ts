import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs statements with psql, in one transaction, and returns the output
 * (unaligned, tuples only). psql rather than the app's pool: the pool caps a
 * statement at 10 s (db/src/fail-fast.ts), and a bulk load is not app traffic.
 */
export async function psql(url: string, ...statements: string[]): Promise<string> {
  const args = [url, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1'];
  if (statements.length > 1) args.push('-1');
  for (const statement of statements) args.push('-c', statement);
  const { stdout } = await run('psql', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

export interface LoadedCounts {
  users: number;
  follows: number;
  messages: number;
}

/** The loaded tables' secondary indexes and foreign keys: how to drop and recreate each, from the catalog. */
async function secondaryObjects(ownerUrl: string): Promise<{ drop: string[]; create: string[] }> {
  const tables = `('"messages"'::regclass, '"followers"'::regclass)`;
  const lines = (text: string) => text.split('\n').filter(Boolean);
  const foreignKeys = lines(
    await psql(
      ownerUrl,
      `select format('alter table %s drop constraint %I', conrelid::regclass, conname) || chr(9) ||
              format('alter table %s add constraint %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
         from pg_constraint where contype = 'f' and conrelid in ${tables} order by conname`,
    ),
  );
  const indexes = lines(
    await psql(
      ownerUrl,
      `select format('drop index %s', indexrelid::regclass) || chr(9) || pg_get_indexdef(indexrelid)
         from pg_index where indrelid in ${tables} and not indisunique order by indexrelid::regclass::text`,
    ),
  );
  const pairs = [...foreignKeys, ...indexes].map((line) => line.split('\t') as [string, string]);
  const fkCount = foreignKeys.length;
  return {
    drop: pairs.map(([drop]) => drop),
    // Indexes first, then the foreign keys (each checked in one join, not row by row).
    create: [...pairs.slice(fkCount), ...pairs.slice(0, fkCount)].map(([, create]) => create),
  };
}

/**
 * A production-shaped database in one set-based transaction as the schema
 * owner: `users` accounts, each following `followsPerUser` others, and
 * `messages` messages spread over them and over about a year, 10-150
 * characters (mean 80, like short posts) of word-like text that compresses
 * about as well as real text does, so the backup's size is realistic. The
 * loaded users cannot sign in (their hash is a placeholder); nobody needs to.
 * Usernames are `user<n>`; the drill's own writes use other names.
 *
 * In pg_restore's order: the rows first, then the secondary indexes (sorted
 * builds) and foreign keys, recreated from the catalog's own definitions so
 * the schema ends exactly as the migrations left it (checked). Row by row
 * into four indexes and an FK trigger, the same load took 2 minutes at load
 * 10 on 2 cores. The texts come from a pool of 10,007 (no repeat within
 * compression distance) rather than 5 md5s per row, which cost 40 s alone.
 */
export async function loadMessages(
  ownerUrl: string,
  wanted: { users: number; followsPerUser: number; messages: number },
): Promise<LoadedCounts> {
  const { users, followsPerUser, messages } = wanted;
  // Distinct, never self: k * 97 < users for every k ≤ followsPerUser.
  if (followsPerUser * 97 >= users) throw new Error('too many follows per user for the stride');
  const secondary = await secondaryObjects(ownerUrl);
  await psql(
    ownerUrl,
    `set maintenance_work_mem = '256MB'`,
    ...secondary.drop,
    `insert into "users" ("username", "email", "pw_hash", "created_at")
     select 'user' || g, 'user' || g || '@example.com',
            '$argon2id$v=19$m=19456,t=2,p=1$bG9hZGVk$' || encode(sha256(g::text::bytea), 'base64'),
            now() - interval '2 years' + interval '1 minute' * g
       from generate_series(1, ${users}) g`,
    `insert into "followers" ("who_id", "whom_id")
     select b.first + u, b.first + (u + k * 97) % ${users}
       from (select min("id") as first from "users") b,
            generate_series(0, ${users - 1}) u, generate_series(1, ${followsPerUser}) k`,
    `insert into "messages" ("author_id", "text", "pub_date")
     with "texts" as materialized (
       select i, translate(md5(i::text) || md5((i + 1)::text) || md5((i + 2)::text) || md5((i + 3)::text)
                           || md5((i + 4)::text), '0123456789abcdef', 'etaoin shrdlu cm') as "t"
         from generate_series(0, 10006) i)
     select b.first + (g * 7919) % ${users}, left(x."t", (10 + (g * 7919) % 71 + (g * 104729) % 71)::int),
            now() - interval '30 seconds' * (${messages} - g)
       from (select min("id") as first from "users") b, generate_series(1::bigint, ${messages}) g
       join "texts" x on x.i = g % 10007`,
    ...secondary.create,
  );
  const after = await secondaryObjects(ownerUrl);
  if (JSON.stringify(after) !== JSON.stringify(secondary)) {
    throw new Error(`the load changed the schema: ${JSON.stringify({ before: secondary, after })}`);
  }
  // As autovacuum would have left a real database: hint bits set, statistics current.
  await psql(ownerUrl, 'vacuum (analyze) "users", "followers", "messages"');
  const [u, f, m] = (
    await psql(
      ownerUrl,
      'select (select count(*) from "users"), (select count(*) from "followers"), (select count(*) from "messages")',
    )
  )
    .split('|')
    .map(Number);
  return { users: u!, follows: f!, messages: m! };
}
