import { type Sql, epochMs } from '../sql';
import { type Cursor, encodeCursor } from './cursor';

export interface TimelineMessage {
  id: number;
  text: string;
  pubDate: Date;
  author: { id: number; username: string; email: string };
}

export interface TimelinePage {
  messages: TimelineMessage[];
  /** Where the next (older) page starts; null on the last page. */
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  before?: Cursor | undefined;
}

export type TimelineScope =
  | { kind: 'public' }
  | { kind: 'user'; userId: number }
  /** My Timeline: the viewer's own messages and those of everyone they follow. */
  | { kind: 'home'; userId: number };

/** A message row joined with its author, as every message query selects it. */
export interface TimelineRow {
  id: number;
  text: string;
  pub_ms: number;
  author_id: number;
  username: string;
  email: string;
}

/** Collects parameter values and hands out their `$n` placeholders. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function scopeFilter(scope: TimelineScope, params: Params): string {
  switch (scope.kind) {
    case 'public':
      return 'true';
    case 'user':
      return `m."author_id" = ${params.add(scope.userId)}`;
    case 'home': {
      const viewer = params.add(scope.userId);
      return `(m."author_id" = ${viewer} or m."author_id" in (select "whom_id" from "followers" where "who_id" = ${viewer}))`;
    }
  }
}

const SELECT_MESSAGES = `
  select m."id", m."text", ${epochMs('m."pub_date"')} as "pub_ms", m."author_id", u."username", u."email"
  from "messages" m join "users" u on u."id" = m."author_id"
  where not m."flagged"`;

export const toTimelineMessage = (row: TimelineRow): TimelineMessage => ({
  id: row.id,
  text: row.text,
  pubDate: new Date(row.pub_ms),
  author: { id: row.author_id, username: row.username, email: row.email },
});

export class TimelineReader {
  constructor(private readonly sql: Sql) {}

  /** Newest first (pub_date, then id), flagged messages excluded, one page at a time. */
  async page(scope: TimelineScope, request: PageRequest): Promise<TimelinePage> {
    const params = new Params();
    const filter = scopeFilter(scope, params);
    const before = request.before
      ? `and (m."pub_date", m."id") < (${params.add(request.before.pubDate)}, ${params.add(request.before.id)})`
      : '';
    // One row more than asked tells whether an older page exists.
    const limit = params.add(request.limit + 1);
    const rows = await this.sql<TimelineRow>(
      `${SELECT_MESSAGES} and ${filter} ${before}
       order by m."pub_date" desc, m."id" desc limit ${limit}`,
      params.values,
    );
    const messages = rows.slice(0, request.limit).map(toTimelineMessage);
    const last = messages.at(-1);
    const nextCursor = rows.length > request.limit && last ? encodeCursor(last) : null;
    return { messages, nextCursor };
  }

  /**
   * Messages of a scope newer than `afterId`, oldest first: what a live page
   * missed between its render (or a dropped connection) and its subscription.
   */
  async since(scope: TimelineScope, afterId: number, limit: number): Promise<TimelineMessage[]> {
    const params = new Params();
    const filter = scopeFilter(scope, params);
    const rows = await this.sql<TimelineRow>(
      `${SELECT_MESSAGES} and ${filter} and m."id" > ${params.add(afterId)}
       order by m."pub_date" asc, m."id" asc limit ${params.add(limit)}`,
      params.values,
    );
    return rows.map(toTimelineMessage);
  }
}
