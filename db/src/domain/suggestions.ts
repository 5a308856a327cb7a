import type { Sql } from '../sql';

export interface SuggestedAuthor {
  id: number;
  username: string;
  email: string;
  /** How many of the recent window's messages are theirs. */
  recentMessages: number;
}

/** How many of the newest public messages count as "recent" for suggestions. */
export const SUGGESTION_WINDOW = 500;

/**
 * The most active recent authors: the newest `window` visible messages, read
 * from the public covering index alone (pub_date, id, include author_id; an
 * index-only range scan of at most `window` entries whatever the table's
 * size), grouped by author. The viewer and whom they follow are left out
 * (one primary-key probe each), so the list is people to follow next.
 */
const SUGGEST = `
  with "recent" as (
    select "author_id", "pub_date" from "messages"
    where not "flagged"
    order by "pub_date" desc, "id" desc
    limit $3::int)
  select u."id", u."username", u."email", count(*)::int as "recent_messages"
  from "recent" r join "users" u on u."id" = r."author_id"
  where r."author_id" <> $1::int
    and not exists (select 1 from "followers" f where f."who_id" = $1::int and f."whom_id" = r."author_id")
  group by u."id", u."username", u."email"
  order by count(*) desc, max(r."pub_date") desc, u."id"
  limit $2::int`;

export class SuggestionReader {
  constructor(private readonly sql: Sql) {}

  /** Up to `limit` people `viewerId` might follow, most active first. */
  async whoToFollow(viewerId: number, limit: number, window = SUGGESTION_WINDOW): Promise<SuggestedAuthor[]> {
    const rows = await this.sql<{ id: number; username: string; email: string; recent_messages: number }>(SUGGEST, [
      viewerId,
      limit,
      window,
    ]);
    return rows.map((row) => ({
      id: row.id,
      username: row.username,
      email: row.email,
      recentMessages: row.recent_messages,
    }));
  }
}

/** The statement, for the plan test. */
export const suggestionStatement = SUGGEST;
