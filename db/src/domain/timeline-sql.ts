/**
 * The pieces every timeline statement shares; each kind's own statements are
 * in its module (timeline-kinds/). Every one costs O(page × what the viewer
 * follows) at most, never O(all messages): see docs/decisions.md, "Bounded
 * timelines". Each takes `$n` placeholders handed out by `Params`.
 */

/** Collects parameter values and hands out their `$n` placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * The users a message mentions, as a JSON array of `{id, username}`: one probe
 * of the mentions' message index per message shown (a page is 30).
 */
export const mentionsOf = (messageId: string) => `coalesce((
    select json_agg(json_build_object('id', mu."id", 'username', mu."username") order by mu."id")
    from "mentions" mn join "users" mu on mu."id" = mn."user_id" where mn."message_id" = ${messageId}), '[]'::json)`;

/** The message columns every query returns, from `m` (messages) joined with `u` (users). */
export const MESSAGE_COLUMNS = `m."id", m."text", (extract(epoch from m."pub_date") * 1000)::float8 as "pub_ms", m."author_id", u."username", u."email", ${mentionsOf('m."id"')} as "mentions"`;

/** The rows of the messages whose ids `picked` selects, newest first (pub_date, then id). */
export const newestFirst = (picked: string) => `
  select ${MESSAGE_COLUMNS}
  from (${picked}) p join "messages" m on m."id" = p."id" join "users" u on u."id" = m."author_id"
  order by m."pub_date" desc, m."id" desc`;

/**
 * The catch-up reads take the `limit` LOWEST ids above `afterId` (ids follow
 * commit order), shown oldest first by (pub_date, id) like every timeline.
 * Selecting by id, not date, keeps a truncated backlog gap-free below its
 * newest id, and is a range scan of an index on id.
 */
export const oldestFirst = (picked: string) => `
  select ${MESSAGE_COLUMNS}
  from (${picked}) p join "messages" m on m."id" = p."id" join "users" u on u."id" = m."author_id"
  order by m."pub_date" asc, m."id" asc`;

/**
 * The public or one author's timeline, newest first: a range scan of the
 * partial index that matches the order exactly, `limit` rows.
 */
export function messagesPageSql(author: string | null, before: (alias: string) => string, limit: string): string {
  return `
  select ${MESSAGE_COLUMNS}
  from "messages" m join "users" u on u."id" = m."author_id"
  where not m."flagged" ${author ? `and m."author_id" = ${author}` : ''} ${before('m')}
  order by m."pub_date" desc, m."id" desc limit ${limit}`;
}

/** The public or one author's catch-up: a range scan of an index on (author,) id. */
export function messagesSinceSql(author: string | null, afterId: string, limit: string): string {
  return oldestFirst(`
    select m."id" from "messages" m
    where not m."flagged" ${author ? `and m."author_id" = ${author}` : ''} and m."id" > ${afterId}
    order by m."id" limit ${limit}`);
}
