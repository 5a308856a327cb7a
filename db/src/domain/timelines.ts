import type { Sql } from '../sql';
import { type Cursor, encodeCursor } from './cursor';
import {
  HOME_TUNING,
  type HomeTuning,
  Params,
  homePageSql,
  homeSinceSql,
  scopePageSql,
  scopeSinceSql,
} from './timeline-sql';

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

/**
 * The statement behind `page`: it asks one row more than the page shows,
 * which tells whether an older page exists. Exported for bench:timelines,
 * which times the bare statement beside the call.
 */
export function pageStatement(
  scope: TimelineScope,
  request: PageRequest,
  tuning: HomeTuning = HOME_TUNING,
): { query: string; params: unknown[] } {
  const params = new Params();
  const owner = scope.kind === 'public' ? null : params.add(scope.userId);
  const cursor = request.before && [params.add(request.before.pubDate), params.add(request.before.id)];
  const before = (alias: string) =>
    cursor ? `and (${alias}."pub_date", ${alias}."id") < (${cursor[0]}::timestamptz, ${cursor[1]}::int)` : '';
  const limit = `${params.add(request.limit + 1)}::int`;
  const query =
    scope.kind === 'home' && owner ? homePageSql(owner, before, limit, tuning) : scopePageSql(owner, before, limit);
  return { query, params: params.values };
}

/** The statement behind `since`. */
export function sinceStatement(
  scope: TimelineScope,
  afterId: number,
  limit: number,
  tuning: HomeTuning = HOME_TUNING,
): { query: string; params: unknown[] } {
  const params = new Params();
  const owner = scope.kind === 'public' ? null : params.add(scope.userId);
  const after = `${params.add(afterId)}::int`;
  const bound = `${params.add(limit)}::int`;
  const query =
    scope.kind === 'home' && owner ? homeSinceSql(owner, after, bound, tuning) : scopeSinceSql(owner, after, bound);
  return { query, params: params.values };
}

export class TimelineReader {
  /** `tuning` only for tests, which shrink the thresholds to reach every path on a small data set. */
  constructor(
    private readonly sql: Sql,
    private readonly tuning: HomeTuning = HOME_TUNING,
  ) {}

  /** Newest first (pub_date, then id), flagged messages excluded, one page at a time. */
  async page(scope: TimelineScope, request: PageRequest): Promise<TimelinePage> {
    const { query, params } = pageStatement(scope, request, this.tuning);
    const rows = await this.sql<TimelineRow>(query, params);
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
    const { query, params } = sinceStatement(scope, afterId, limit, this.tuning);
    const rows = await this.sql<TimelineRow>(query, params);
    return rows.map(toTimelineMessage);
  }
}
