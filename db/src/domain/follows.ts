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
