import type { Database } from '../src/database';
import { MESSAGE_INSERT_LOCK } from '../src/domain/messages';

/** How many accounts each benchmark viewer follows (the rows). */
export const FOLLOW_COUNTS = [0, 1, 50, 2000] as const;

/** Each viewer's own messages: enough that even the viewer following nobody has a page 100 (of 30). */
const OWN_MESSAGES = 3_100;

export interface Viewer {
  id: number;
  username: string;
  follows: number;
}

/**
 * The viewers of the My Timeline rows, created once per seeded database
 * (idempotent): `bench_follows_<n>` follows n accounts picked evenly across
 * the seeded ids — a mix of popular and quiet ones — and has written
 * OWN_MESSAGES messages spread over the past year.
 */
export async function benchViewers(db: Database): Promise<Viewer[]> {
  const viewers: Viewer[] = [];
  let created = false;
  const [range] = await db.sql<{ max: number }>(`select max("id") as "max" from "users" where "username" like 'user%'`);
  const maxUser = range?.max ?? 0;
  if (maxUser < 2001) throw new Error('bench:timelines needs a seeded database with more than 2,000 users');
  for (const follows of FOLLOW_COUNTS) {
    const username = `bench_follows_${follows}`;
    let user = await db.users.findByUsername(username);
    if (!user) {
      user = await db.users.register({ username, email: `${username}@example.com`, password: 'bench' });
      created = true;
      // A stride through the seeded ids (coprime with most sizes): deterministic, spread, no repeats.
      await db.sql(
        `insert into "followers" ("who_id", "whom_id")
         select $1, 1 + ((g::bigint * 7919 + $3) % $4)::int from generate_series(1, $2::int) g
         on conflict do nothing`,
        [user.id, follows, follows * 31, maxUser],
      );
      await db.sql(
        `with "serialized" as (select pg_advisory_xact_lock(${MESSAGE_INSERT_LOCK}))
         insert into "messages" ("author_id", "text", "pub_date")
         select $1, 'Bench viewer message ' || g, now() - interval '365 days' * (1 - g::float8 / $2::int) - interval '1 minute'
         from generate_series(1, $2::int) g, "serialized"`,
        [user.id, OWN_MESSAGES],
      );
    }
    const [row] = await db.sql<{ n: string }>(`select count(*) as "n" from "followers" where "who_id" = $1`, [user.id]);
    viewers.push({ id: user.id, username, follows: Number(row?.n ?? 0) });
  }
  // As the seed leaves its rows: vacuumed, so index-only scans skip the heap. Without it every
  // My Timeline read of these viewers fetched each follow row from the heap (2,000 buffer hits
  // for the viewer following 2,000, more than the rest of its page), which a server that has been
  // up a while does not pay. Vacuum skips the pages that are already all-visible.
  if (created) for (const table of ['followers', 'messages']) await db.sql(`vacuum (analyze) "${table}"`);
  else await db.sql(`analyze "followers"`);
  return viewers;
}

/** Mentions of the Mentions row's viewer: one message in MENTIONED_EVERY of the seeded ones. */
const MENTIONED_EVERY = 1_000;
/** Background mentions, so the table is the size a busy site's would be: one message in BACKGROUND_EVERY names someone. */
const BACKGROUND_EVERY = 10;

/**
 * The viewer of the Mentions row, created once per seeded database
 * (idempotent): `bench_mentioned`, named by every MENTIONED_EVERY-th seeded
 * message (10,000 of 10M, so it has a page 100), among background mentions
 * of every BACKGROUND_EVERY-th message (1M rows) naming seeded users. The
 * rows are written as a post writes them (the message's pub_date copied);
 * the seeded texts do not contain the names, which no read looks at.
 */
export async function benchMentioned(db: Database): Promise<{ id: number; username: string; mentions: number }> {
  const username = 'bench_mentioned';
  const user =
    (await db.users.findByUsername(username)) ??
    (await db.users.register({ username, email: `${username}@example.com`, password: 'bench' }));
  const count = async () =>
    Number(
      (await db.sql<{ n: string }>(`select count(*) as "n" from "mentions" where "user_id" = $1`, [user.id]))[0]?.n,
    );
  if ((await count()) === 0) {
    const [range] = await db.sql<{ users: number; messages: number }>(
      `select (select max("id") from "users" where "username" like 'user%') as "users", (select max("id") from "messages") as "messages"`,
    );
    // In slices of 500,000 messages: each statement stays well inside the services' 10 s statement timeout.
    for (let from = 0; from <= (range?.messages ?? 0); from += 500_000) {
      await db.sql(
        `insert into "mentions" ("user_id", "message_id", "pub_date")
         select case when m."id" % ${MENTIONED_EVERY} = 7 then $1 else 1 + (m."id"::bigint * 7919 % $2::int)::int end,
                m."id", m."pub_date"
         from "messages" m
         where m."id" > $3::int and m."id" <= $3::int + 500000
           and (m."id" % ${BACKGROUND_EVERY} = 3 or m."id" % ${MENTIONED_EVERY} = 7)
         on conflict do nothing`,
        [user.id, range?.users ?? 1, from],
      );
    }
    await db.sql(`vacuum (analyze) "mentions"`);
  }
  return { id: user.id, username, mentions: await count() };
}
