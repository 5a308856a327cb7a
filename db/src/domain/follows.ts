import { errors } from '../errors';
import { type Sql, withLatest } from '../sql';
import { isStorable } from './rules';
import { canonicalUsername } from './usernames';

export interface FollowChange {
  whoId: number;
  whomId: number;
  /** False when the call was a no-op (already following / not following). */
  changed: boolean;
}

interface ChangeRow {
  who_id: number | null;
  whom_id: number | null;
  changed: boolean;
}

/**
 * Both usernames resolve inside the statement that changes the graph, so a
 * follow or unfollow is one durable round trip; a missing user changes nothing.
 */
const RESOLVE_PAIR = `
  "who" as (select "id" from "users" where "username" = $1),
  "whom" as (select "id" from "users" where "username" = $2)`;

const FOLLOW = `${RESOLVE_PAIR},
  "changed" as (
    insert into "followers" ("who_id", "whom_id")
    select "who"."id", "whom"."id" from "who", "whom" where "who"."id" <> "whom"."id"
    on conflict do nothing returning 1)`;

const UNFOLLOW = `${RESOLVE_PAIR},
  "changed" as (
    delete from "followers" using "who", "whom"
    where "who_id" = "who"."id" and "whom_id" = "whom"."id" returning 1)`;

const REPORT = `
  select (select "id" from "who") as "who_id", (select "id" from "whom") as "whom_id",
         exists (select 1 from "changed") as "changed"`;

/** A profile's two figures. */
export interface FollowCounts {
  followers: number;
  following: number;
}

/** Someone in a followers/following list. */
export interface FollowListEntry {
  id: number;
  username: string;
  email: string;
}

export interface FollowListPage {
  users: FollowListEntry[];
  /** The last id shown, where the next page starts (`id > after`); null on the last page. */
  nextAfter: number | null;
}

/**
 * Both counts are index-only range scans: followers on ("whom_id", "who_id"),
 * following on the primary key ("who_id", "whom_id").
 */
const COUNTS = `
  select (select count(*) from "followers" where "whom_id" = $1)::int as "followers",
         (select count(*) from "followers" where "who_id" = $1)::int as "following"`;

/**
 * One page of a list, keyset on the other user's id (ascending: the order
 * they joined), so a page reads `limit` index entries after the cursor
 * however long the list is. $1 the profile, $2 after id, $3 limit + 1.
 */
const LIST_OF = {
  followers: `
    select u."id", u."username", u."email" from "followers" f join "users" u on u."id" = f."who_id"
    where f."whom_id" = $1 and f."who_id" > $2 order by f."who_id" limit $3`,
  following: `
    select u."id", u."username", u."email" from "followers" f join "users" u on u."id" = f."whom_id"
    where f."who_id" = $1 and f."whom_id" > $2 order by f."whom_id" limit $3`,
} as const;

export class FollowStore {
  constructor(private readonly sql: Sql) {}

  follow(who: string, whom: string, options: { latest?: number } = {}): Promise<FollowChange> {
    return this.change(FOLLOW, who, whom, options.latest);
  }

  unfollow(who: string, whom: string, options: { latest?: number } = {}): Promise<FollowChange> {
    return this.change(UNFOLLOW, who, whom, options.latest);
  }

  async isFollowing(whoId: number, whomId: number): Promise<boolean> {
    const rows = await this.sql(`select 1 from "followers" where "who_id" = $1 and "whom_id" = $2`, [whoId, whomId]);
    return rows.length > 0;
  }

  /** Whom `whoId` follows, as usernames in alphabetical order (a stable order for `no` to cut). */
  async followingOf(whoId: number, limit: number): Promise<string[]> {
    const rows = await this.sql<{ username: string }>(
      `select u."username" from "followers" f join "users" u on u."id" = f."whom_id"
       where f."who_id" = $1 order by u."username" limit $2`,
      [whoId, limit],
    );
    return rows.map((row) => row.username);
  }

  /** Ids of the authors `whoId` follows: the rooms a My Timeline socket joins. */
  async followedIds(whoId: number): Promise<number[]> {
    const rows = await this.sql<{ whom_id: number }>(`select "whom_id" from "followers" where "who_id" = $1`, [whoId]);
    return rows.map((row) => row.whom_id);
  }

  async counts(userId: number): Promise<FollowCounts> {
    const [row] = await this.sql<FollowCounts>(COUNTS, [userId]);
    return row ?? { followers: 0, following: 0 };
  }

  /** Who follows `userId` (`followers`) or whom they follow (`following`), one page after `after`. */
  async listPage(
    list: keyof typeof LIST_OF,
    userId: number,
    request: { limit: number; after?: number | undefined },
  ): Promise<FollowListPage> {
    const rows = await this.sql<FollowListEntry>(LIST_OF[list], [userId, request.after ?? 0, request.limit + 1]);
    const users = rows.slice(0, request.limit);
    return { users, nextAfter: rows.length > request.limit ? (users.at(-1)?.id ?? null) : null };
  }

  private async change(statement: string, who: string, whom: string, latest?: number): Promise<FollowChange> {
    // Names PostgreSQL cannot even compare (NUL, lone surrogates) belong to nobody.
    if (!isStorable(who) || !isStorable(whom)) throw errors.userNotFound();
    const names = [canonicalUsername(who), canonicalUsername(whom)];
    const { query, params } = withLatest(latest, `${statement} ${REPORT}`, names);
    const [row] = await this.sql<ChangeRow>(query, params);
    if (!row || row.who_id === null || row.whom_id === null) throw errors.userNotFound();
    return { whoId: row.who_id, whomId: row.whom_id, changed: row.changed };
  }
}
