import type { Sql } from '../sql';
import { type Cursor, encodeCursor } from './cursor';
import { Params, homePageSql, homeSinceSql, scopePageSql, scopeSinceSql } from './timeline-sql';

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
    const owner = scope.kind === 'public' ? null : params.add(scope.userId);
    const cursor = request.before && [params.add(request.before.pubDate), params.add(request.before.id)];
    const before = (alias: string) =>
      cursor ? `and (${alias}."pub_date", ${alias}."id") < (${cursor[0]}::timestamptz, ${cursor[1]}::int)` : '';
    // One row more than asked tells whether an older page exists.
    const limit = `${params.add(request.limit + 1)}::int`;
    const query =
      scope.kind === 'home' && owner ? homePageSql(owner, before, limit) : scopePageSql(owner, before, limit);
    const rows = await this.sql<TimelineRow>(query, params.values);
    const messages = rows.slice(0, request.limit).map(toTimelineMessage);
    const last = messages.at(-1);
    const nextCursor = rows.length > request.limit && last ? encodeCursor(last) : null;
    return { messages, nextCursor };
  }

  /**
   * Messages of a scope newer than `afterId`: what a live page missed between
   * its render (or a dropped connection) and its subscription. The `limit`
   * lowest new ids, oldest first — gap-free below the newest one returned.
   */
  async since(scope: TimelineScope, afterId: number, limit: number): Promise<TimelineMessage[]> {
    const params = new Params();
    const owner = scope.kind === 'public' ? null : params.add(scope.userId);
    const after = `${params.add(afterId)}::int`;
    const bound = `${params.add(limit)}::int`;
    const query =
      scope.kind === 'home' && owner ? homeSinceSql(owner, after, bound) : scopeSinceSql(owner, after, bound);
    const rows = await this.sql<TimelineRow>(query, params.values);
    return rows.map(toTimelineMessage);
  }
}
