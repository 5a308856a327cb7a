import { errors } from '../errors';
import { type Sql, epochMs, withLatest } from '../sql';
import { checkMessageText } from './rules';

export interface PostedMessage {
  id: number;
  authorId: number;
  text: string;
  pubDate: Date;
}

interface PostedRow {
  id: number;
  author_id: number;
  text: string;
  pub_ms: number;
}

const POSTED_COLUMNS = `"id", "author_id", "text", ${epochMs('"pub_date"')} as "pub_ms"`;

const toPosted = (row: PostedRow): PostedMessage => ({
  id: row.id,
  authorId: row.author_id,
  text: row.text,
  pubDate: new Date(row.pub_ms),
});

export class MessageStore {
  constructor(private readonly sql: Sql) {}

  async post(authorId: number, text: string): Promise<PostedMessage> {
    checkMessageText(text);
    const [row] = await this.sql<PostedRow>(
      `insert into "messages" ("author_id", "text") values ($1, $2) returning ${POSTED_COLUMNS}`,
      [authorId, text],
    );
    if (!row) throw errors.userNotFound();
    return toPosted(row);
  }

  /**
   * The simulator's post: author lookup, insert and `latest` in one statement,
   * so a post is one durable round trip. An unknown author inserts nothing.
   */
  async postAs(username: string, text: string, options: { latest?: number } = {}): Promise<PostedMessage> {
    checkMessageText(text);
    const { query, params } = withLatest(
      options.latest,
      `"author" as (select "id" from "users" where "username" = $1)
       insert into "messages" ("author_id", "text") select "id", $2 from "author"
       returning ${POSTED_COLUMNS}`,
      [username, text],
    );
    const [row] = await this.sql<PostedRow>(query, params);
    if (!row) throw errors.userNotFound();
    return toPosted(row);
  }

  /** Flags messages (hidden everywhere from then on); returns those that were newly flagged. */
  async flag(ids: readonly number[]): Promise<PostedMessage[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql<PostedRow>(
      `update "messages" set "flagged" = true where "id" = any($1::int[]) and not "flagged"
       returning ${POSTED_COLUMNS}`,
      [ids],
    );
    return rows.map(toPosted);
  }
}
