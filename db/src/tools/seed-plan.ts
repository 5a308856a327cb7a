/**
 * The statements of `npm run seed`, each a server-side batch
 * (`insert ... select ... from generate_series`): the rows are generated
 * inside PostgreSQL, so a batch of half a million rows is one round trip and
 * no row crosses the network.
 */

/** The password every seeded account has, so benchmarks and people can sign in as any of them. */
export const SEEDED_PASSWORD = 'seeded-password';

export const seededUsername = (n: number) => `user${n}`;

/** Users `$1..$2` (inclusive), all with the same password hash `$3`. */
export const INSERT_USERS = `
  insert into "users" ("username", "email", "pw_hash")
  select 'user' || g, 'user' || g || '@example.com', $3
  from generate_series($1::int, $2::int) g`;

/**
 * `$3` follow attempts among `$1` users, with `$2` the number of followable
 * accounts. The followed side is heavily skewed: `1 + floor(followable *
 * random()^3)` gives the first accounts tens of thousands of followers and
 * most of the rest a handful, and every account past `followable` (half of
 * them) none. The following side is uniform. Repeats are dropped by the key,
 * so the caller repeats until the requested count is reached.
 */
export const INSERT_FOLLOWS = `
  insert into "followers" ("who_id", "whom_id")
  select f."who", f."whom" from (
    select 1 + floor($1::int * random())::int as "who", 1 + floor($2::int * power(random(), 3))::int as "whom"
    from generate_series(1, $3::int)
  ) f
  where f."who" <> f."whom"
  on conflict do nothing`;

/**
 * Messages `$1..$2` of `$3` in all, by `$4` users: authors skewed towards
 * the low ids (`random()^2`), dates spread evenly over the year before `$5`
 * (epoch ms) and increasing with the id, as live posts are. Takes the same
 * lock as a live post, so ids stay in commit order even if something posts
 * during the load.
 */
export const insertMessages = (lock: number) => `
  with "serialized" as (select pg_advisory_xact_lock(${lock}))
  insert into "messages" ("author_id", "text", "pub_date")
  select 1 + floor($4::int * power(random(), 2))::int,
         'Seeded message ' || g || ': ' || md5(g::text),
         to_timestamp(($5::float8 - 31536000000 * (1 - g::float8 / $3::int)) / 1000)
  from generate_series($1::int, $2::int) g, "serialized"`;
