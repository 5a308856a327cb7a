import { LockMode, type MikroORM } from '@mikro-orm/postgresql';
import { MessageSchema } from '../entities';
import { errors } from '../errors';
import { isDatabaseUnavailable } from '../fail-fast';
import { GroupCommit } from '../group-commit';
import { type Sql, epochMs, withLatest } from '../sql';
import { checkMessageText, isStorable } from './rules';
import { canonicalUsername } from './usernames';
import { mentionCandidates } from './mention-names';
import type { MessageAddress } from './timeline-kinds/kind';
import { MESSAGE_COLUMNS } from './timeline-sql';
import { type TimelineMessage, type TimelineRow, toTimelineMessage } from './timelines';

/** An arbitrary constant, distinct from the migration lock: the lock every message insert takes. */
export const MESSAGE_INSERT_LOCK = 7_346_021_118;

/**
 * Inserts for the author found by the `author` CTE and reads the new row back
 * with its author, in the same statement: the caller gets what live timelines
 * need without a second round trip. No author, no insert.
 *
 * Ids are handed out in commit order: the statement takes a transaction-level
 * advisory lock before the insert draws its id and keeps it until it commits.
 * Live pages resume from the newest id they show (`timelines.since`); without
 * the lock, an id drawn before a higher one but committed after it, while a
 * page was disconnected, would never reach that page. The cost is that message
 * inserts commit one at a time, which a single-row autocommit insert makes
 * short.
 *
 * The mentions are resolved in the same statement (so the same transaction):
 * `names` is the placeholder of the candidate names (mention-names.ts), and
 * a mention row is written for each that is a user. A message and its
 * mentions commit together, so a Mentions page never shows one without the
 * other, and the publisher gets the mentioned ids with the message.
 */
const insertForAuthor = (names: string) => `
  "serialized" as (select pg_advisory_xact_lock(${MESSAGE_INSERT_LOCK})),
  ${INSERT_MESSAGE},
  ${mentionAndReturn(names)}`;

const INSERT_MESSAGE = `"inserted" as (
    insert into "messages" ("author_id", "text") select a."id", $2 from "author" a, "serialized"
    returning "id", "author_id", "text", "pub_date")`;

/** Writes the mentions of the `inserted` message and selects it as a TimelineRow. */
const mentionAndReturn = (names: string) => `"mentioned" as (
    insert into "mentions" ("user_id", "message_id", "pub_date")
    select mu."id", i."id", i."pub_date" from "inserted" i join "users" mu on mu."username" = any(${names}::text[])
    returning "user_id")
  select i."id", i."text", ${epochMs('i."pub_date"')} as "pub_ms", a."id" as "author_id", a."username", a."email",
    coalesce((select json_agg(json_build_object('id', mu."id", 'username', mu."username") order by mu."id")
      from "mentioned" x join "users" mu on mu."id" = x."user_id"), '[]'::json) as "mentions"
  from "inserted" i join "author" a on a."id" = i."author_id"`;

/** The web app's post, as one statement ($1 author id, $2 text, $3 mention candidates); exported for the commit-order test. */
export const POST_BY_AUTHOR_ID = `with "author" as (select "id", "username", "email" from "users" where "id" = $1), ${insertForAuthor('$3')}`;

/**
 * The web app's post with its form's token ($1 author id, $2 text, $3 token):
 * the token row is the arbiter. Its insert comes first and the message is
 * inserted only when the token was new; a concurrent submit of the same
 * token waits on the first one's uncommitted key and then inserts nothing.
 * The message id is drawn under the same lock as every other insert (commit
 * order), so the token row can name it before the message exists. $4: the
 * mention candidates.
 */
export const POST_ONCE_BY_AUTHOR_ID = `with "author" as (select "id", "username", "email" from "users" where "id" = $1),
  "serialized" as (select pg_advisory_xact_lock(${MESSAGE_INSERT_LOCK})),
  "drawn" as (select nextval(pg_get_serial_sequence('"messages"', 'id'))::integer as "id" from "author", "serialized"),
  "claimed" as (
    insert into "post_form_tokens" ("author_id", "token", "message_id") select a."id", $3::uuid, d."id" from "author" a, "drawn" d
    on conflict do nothing returning "message_id"),
  "inserted" as (
    insert into "messages" ("id", "author_id", "text") select c."message_id", a."id", $2 from "claimed" c, "author" a
    returning "id", "author_id", "text", "pub_date"),
  ${mentionAndReturn('$4')}`;

/**
 * The simulator's posts as one group (group-commit.ts): $1 usernames, $2
 * texts and $3 each post's mention candidates as a JSON array, one element
 * per post. Every post whose author exists is inserted under the one lock,
 * in one commit; each row carries its post's place in the group (`ord`, from
 * 1). A post whose author is unknown has no row. The whole group becomes
 * visible at once, so ids stay in commit order between groups.
 */
const POST_GROUP_AS = `"input" as (
    select * from unnest($1::text[], $2::text[], $3::text[]) with ordinality as p("username", "text", "names", "ord")),
  "author" as (
    select p."ord", u."id", u."username", u."email" from "input" p join "users" u on u."username" = p."username"),
  "serialized" as (select pg_advisory_xact_lock(${MESSAGE_INSERT_LOCK})),
  "drawn" as (
    select a."ord", nextval(pg_get_serial_sequence('"messages"', 'id'))::integer as "id"
    from (select "ord" from "author" order by "ord") a, "serialized"),
  "inserted" as (
    insert into "messages" ("id", "author_id", "text")
    select d."id", a."id", p."text" from "drawn" d join "author" a using ("ord") join "input" p using ("ord")
    returning "id", "author_id", "text", "pub_date"),
  "mentioned" as (
    insert into "mentions" ("user_id", "message_id", "pub_date")
    select mu."id", i."id", i."pub_date"
    from "inserted" i join "drawn" d using ("id") join "input" p using ("ord")
      join "users" mu on mu."username" in (select json_array_elements_text(p."names"::json))
    returning "user_id", "message_id")
  select d."ord", i."id", i."text", ${epochMs('i."pub_date"')} as "pub_ms", a."id" as "author_id", a."username", a."email",
    coalesce((select json_agg(json_build_object('id', mu."id", 'username', mu."username") order by mu."id")
      from "mentioned" x join "users" mu on mu."id" = x."user_id" where x."message_id" = i."id"), '[]'::json) as "mentions"
  from "inserted" i join "drawn" d using ("id") join "author" a using ("ord")`;

/** One simulator post waiting for its group. */
interface PostAs {
  username: string;
  text: string;
  latest: number | undefined;
}

/** Two groups in flight: the second waits on the lock while the first commits. */
const POST_GROUPS = { inFlight: 2, maxGroup: 100 } as const;

/** The message a token already recorded, when it still exists ($1 author id, $2 token). */
const POSTED_WITH_TOKEN = `select ${MESSAGE_COLUMNS}
  from "post_form_tokens" t join "messages" m on m."id" = t."message_id" join "users" u on u."id" = m."author_id"
  where t."author_id" = $1 and t."token" = $2::uuid`;

/** A form token as the web app renders it: a UUID, so the statement's cast cannot fail. */
export const isFormToken = (token: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token);

/** A post of a form: recorded now, or `replayed` when that form's token had already recorded one. */
export type FormPostResult =
  { replayed: false; message: TimelineMessage } | { replayed: true; message: TimelineMessage | null };

/**
 * $1 message id, $2 the signed-in author. `not "flagged"` is checked again by
 * the update on the row it locks, so two deletes at once publish one removal.
 */
const DELETE_OWN = `
  with "target" as (select "author_id" from "messages" where "id" = $1 and not "flagged"),
  "deleted" as (
    update "messages" set "flagged" = true, "deleted_at" = now()
    where "id" = $1 and "author_id" = $2 and not "flagged" returning 1)
  select (select "author_id" from "target") as "author_id", exists (select 1 from "deleted") as "deleted",
    array(select "user_id" from "mentions" where "message_id" = $1) as "mentioned_ids"`;

/** What `deleteOwn` did: the removal to publish, or why nothing changed. */
export type DeleteOutcome = { outcome: 'deleted'; message: RemovedMessage } | { outcome: 'not_found' | 'not_yours' };

/** A message just hidden (flagged or deleted), with what says which timelines showed it. */
export interface RemovedMessage extends MessageAddress {
  id: number;
}

export class MessageStore {
  private readonly postGroups: GroupCommit<PostAs, TimelineMessage | null>;

  constructor(
    private readonly sql: Sql,
    private readonly orm: MikroORM,
  ) {
    // A statement error aborted the whole group and committed nothing, so its posts may run again alone.
    this.postGroups = new GroupCommit(
      (posts) => this.postGroup(posts),
      POST_GROUPS,
      (error) => !isDatabaseUnavailable(error),
    );
  }

  /** The web app's post: the author is the signed-in user. */
  async post(authorId: number, text: string): Promise<TimelineMessage> {
    checkMessageText(text);
    const [row] = await this.sql<TimelineRow>(POST_BY_AUTHOR_ID, [authorId, text, mentionCandidates(text)]);
    if (!row) throw errors.userNotFound();
    return toTimelineMessage(row);
  }

  /**
   * The web app's post of one rendered form (issue 22, item 2): a second
   * submit with the same token records nothing and reports the first one's
   * message (null when it is gone). A token that is not a UUID (a page from
   * before tokens) posts as `post` does.
   */
  async postOnce(authorId: number, text: string, formToken: string): Promise<FormPostResult> {
    if (!isFormToken(formToken)) return { replayed: false, message: await this.post(authorId, text) };
    checkMessageText(text);
    const [row] = await this.sql<TimelineRow>(POST_ONCE_BY_AUTHOR_ID, [
      authorId,
      text,
      formToken,
      mentionCandidates(text),
    ]);
    if (row) return { replayed: false, message: toTimelineMessage(row) };
    const [earlier] = await this.sql<TimelineRow>(POSTED_WITH_TOKEN, [authorId, formToken]);
    if (earlier) return { replayed: true, message: toTimelineMessage(earlier) };
    const [token] = await this.sql(`select 1 from "post_form_tokens" where "author_id" = $1 and "token" = $2::uuid`, [
      authorId,
      formToken,
    ]);
    if (!token) throw errors.userNotFound();
    return { replayed: true, message: null };
  }

  /**
   * The simulator's post: author lookup, insert and `latest` in one statement,
   * so a post is one durable round trip. An unknown author inserts nothing.
   */
  async postAs(username: string, text: string, options: { latest?: number } = {}): Promise<TimelineMessage> {
    checkMessageText(text);
    if (!isStorable(username)) throw errors.userNotFound();
    const message = await this.postGroups.submit({
      username: canonicalUsername(username),
      text,
      latest: options.latest,
    });
    if (!message) throw errors.userNotFound();
    return message;
  }

  /**
   * One group of simulator posts in one statement. `latest` is the one the
   * group's last post carried (the newest the api received); groups record
   * it in commit order, as single posts did.
   */
  private async postGroup(posts: readonly PostAs[]): Promise<(TimelineMessage | null)[]> {
    const latest = posts.findLast((post) => post.latest !== undefined)?.latest;
    const { query, params } = withLatest(latest, POST_GROUP_AS, [
      posts.map((post) => post.username),
      posts.map((post) => post.text),
      posts.map((post) => JSON.stringify(mentionCandidates(post.text))),
    ]);
    const rows = await this.sql<TimelineRow & { ord: string }>(query, params);
    const byPlace = new Map(rows.map((row) => [Number(row.ord), toTimelineMessage(row)]));
    return posts.map((_, index) => byPlace.get(index + 1) ?? null);
  }

  /**
   * Flags messages (hidden everywhere from then on); returns those that were
   * newly flagged. A rare, multi-row operator change, so it goes through the
   * ORM's unit of work: the rows are read with a row lock (two flaggers at once
   * cannot both report the same message as new) and written in one flush.
   */
  async flag(ids: readonly number[]): Promise<RemovedMessage[]> {
    if (ids.length === 0) return [];
    const flagged = await this.orm.em.fork().transactional(async (em) => {
      const messages = await em.find(
        MessageSchema,
        { id: { $in: [...new Set(ids)] }, flagged: false },
        { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
      );
      for (const message of messages) message.flagged = true;
      return messages.map((message) => ({ id: message.id, authorId: message.authorId }));
    });
    if (flagged.length === 0) return [];
    // Mention rows never change once written, so reading them after the commit reads what it hid.
    const mentions = await this.sql<{ message_id: number; user_id: number }>(
      `select "message_id", "user_id" from "mentions" where "message_id" = any($1::int[])`,
      [flagged.map((message) => message.id)],
    );
    return flagged.map((message) => ({
      ...message,
      mentionedIds: mentions.filter((row) => row.message_id === message.id).map((row) => row.user_id),
    }));
  }

  /**
   * The author deletes one of their messages: `flagged` (what every read of
   * this and the previous release filters on) and `deleted_at` (who hid it:
   * the author, not an operator) in one statement. Someone else's message
   * changes nothing and says so; a message already gone (deleted, flagged,
   * unknown) is `not_found`, as the author would see it.
   */
  async deleteOwn(authorId: number, messageId: number): Promise<DeleteOutcome> {
    const [row] = await this.sql<{ author_id: number | null; deleted: boolean; mentioned_ids: number[] }>(DELETE_OWN, [
      messageId,
      authorId,
    ]);
    if (row?.deleted)
      return { outcome: 'deleted', message: { id: messageId, authorId, mentionedIds: row.mentioned_ids } };
    return { outcome: row?.author_id === null || row?.author_id === authorId ? 'not_found' : 'not_yours' };
  }
}
