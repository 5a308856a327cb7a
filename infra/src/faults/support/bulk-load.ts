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

/**
 * A production-shaped database in one set-based transaction as the schema
 * owner: `users` accounts, each following `followsPerUser` others, and
 * `messages` messages spread over them and over about a year, 10-150
 * characters (mean 80, like short posts) of word-like text that compresses
 * about as well as real text does, so the backup's size is realistic. The
 * loaded users cannot sign in (their hash is a placeholder); nobody needs to.
 * Usernames are `user<n>`; the drill's own writes use other names.
 */
export async function loadMessages(
  ownerUrl: string,
  wanted: { users: number; followsPerUser: number; messages: number },
): Promise<LoadedCounts> {
  const { users, followsPerUser, messages } = wanted;
  // Distinct, never self: k * 97 < users for every k ≤ followsPerUser.
  if (followsPerUser * 97 >= users) throw new Error('too many follows per user for the stride');
  await psql(
    ownerUrl,
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
     select b.first + (g * 7919) % ${users},
            left(translate(md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || md5((g + 3)::text)
                           || md5((g + 4)::text), '0123456789abcdef', 'etaoin shrdlu cm'),
                 (10 + (g * 7919) % 71 + (g * 104729) % 71)::int),
            now() - interval '30 seconds' * (${messages} - g)
       from (select min("id") as first from "users") b, generate_series(1::bigint, ${messages}) g`,
  );
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
