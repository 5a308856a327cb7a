import type { Sql } from '../sql';
import { type Cursor, encodeCursor } from './cursor';
import { HOME_TUNING, type HomeTuning } from './timeline-kinds/home';
import type { MessageAddress } from './timeline-kinds/kind';
import { type TimelineScope, kindNamed } from './timeline-kinds/registry';
import { Params } from './timeline-sql';

export type { TimelineScope } from './timeline-kinds/registry';

/** A user a message mentions (`@name` of an existing user, resolved when it was written). */
export interface MentionedUser {
  id: number;
  username: string;
}

export interface TimelineMessage {
  id: number;
  text: string;
  pubDate: Date;
  author: { id: number; username: string; email: string };
  /** Whom it mentions, by user id; the mention rows are written with the message. */
  mentions: MentionedUser[];
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

/** A message row joined with its author and mentions, as every message query selects it. */
export interface TimelineRow {
  id: number;
  text: string;
  pub_ms: number;
  author_id: number;
  username: string;
  email: string;
  mentions: MentionedUser[];
}

export const toTimelineMessage = (row: TimelineRow): TimelineMessage => ({
  id: row.id,
  text: row.text,
  pubDate: new Date(row.pub_ms),
  author: { id: row.author_id, username: row.username, email: row.email },
  mentions: row.mentions,
});

/** Where a message goes (timeline-kinds/registry.ts roomsOfMessage). */
export const addressOf = (message: TimelineMessage): MessageAddress => ({
  authorId: message.author.id,
  mentionedIds: message.mentions.map((user) => user.id),
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
  const cursor = request.before && [params.add(request.before.pubDate), params.add(request.before.id)];
  const before = (alias: string) =>
    cursor ? `and (${alias}."pub_date", ${alias}."id") < (${cursor[0]}::timestamptz, ${cursor[1]}::int)` : '';
  const limit = `${params.add(request.limit + 1)}::int`;
  const query = kindNamed(scope.kind).page(scope, { params, before, limit, tuning });
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
  const after = `${params.add(afterId)}::int`;
  const bound = `${params.add(limit)}::int`;
  const query = kindNamed(scope.kind).since(scope, { params, afterId: after, limit: bound, tuning });
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
