import type { Database } from '../src/database';
import { type PageRequest, type TimelineScope, toTimelineMessage } from '../src/domain/timelines';

/**
 * Each timeline by its plain definition — a filter over all messages, the
 * query the bounded ones replaced. Slow at scale (that is the point), used
 * once per row so a fast answer is also shown to be the right one.
 */
export function definitionFilter(scope: TimelineScope): string {
  const visible = 'not m."flagged"';
  if (scope.kind === 'public') return visible;
  if (scope.kind === 'user') return `${visible} and m."author_id" = ${Number(scope.userId)}`;
  if (scope.kind === 'mentions') {
    return `${visible} and m."id" in (select "message_id" from "mentions" where "user_id" = ${Number(scope.userId)})`;
  }
  const viewer = Number(scope.userId);
  return `${visible} and (m."author_id" = ${viewer} or m."author_id" in (select "whom_id" from "followers" where "who_id" = ${viewer}))`;
}

export async function checkAgainstDefinition(db: Database, scope: TimelineScope, request: PageRequest): Promise<void> {
  const before = request.before ? `and (m."pub_date", m."id") < ($1::timestamptz, $2::int)` : '';
  const rows = await db.sql<Parameters<typeof toTimelineMessage>[0]>(
    `select m."id", m."text", (extract(epoch from m."pub_date") * 1000)::float8 as "pub_ms", m."author_id", u."username", u."email"
     from "messages" m join "users" u on u."id" = m."author_id"
     where ${definitionFilter(scope)} ${before}
     order by m."pub_date" desc, m."id" desc limit ${request.limit}`,
    request.before ? [request.before.pubDate, request.before.id] : [],
  );
  const want = rows.map((row) => row.id);
  const got = (await db.timelines.page(scope, request)).messages.map((message) => message.id);
  if (JSON.stringify(want) !== JSON.stringify(got)) {
    throw new Error(`${JSON.stringify(scope)}: page differs from the definition: ${got.join(',')} ≠ ${want.join(',')}`);
  }
}
