import { z } from 'zod';
import { MESSAGE_COLUMNS, oldestFirst } from '../timeline-sql';
import { type TimelineKind, requireViewer } from './kind';
import { rooms } from './rooms';

export type HomeScope = { kind: 'home'; userId: number };

/**
 * My Timeline: the viewer's own messages and those of everyone they follow.
 * Its sockets sit in the viewer's room and in the author room of the viewer
 * and of each followed account; a follow or unfollow moves the viewer room
 * (every My Timeline socket of that viewer, on every server) into or out of
 * the followed author's room.
 */
export const homeKind: TimelineKind<{ kind: 'home' }, HomeScope> = {
  request: z.object({ kind: z.literal('home') }),
  needsViewer: true,
  scopeFor: (_request, viewerId) => ({ kind: 'home', userId: requireViewer(viewerId) }),
  /**
   * The viewer room first, so a follow committed after the follow-graph read
   * below finds the socket there and moves it; the graph is read twice,
   * because an unfollow committed between the first read and the joins
   * published its move before the socket was in that author's room.
   */
  async join({ userId }, socket, reads) {
    await socket.join([rooms.viewer(userId), rooms.author(userId)]);
    const followed = await reads.followedIds(userId);
    await socket.join(followed.map((id) => rooms.author(id)));
    const stillFollowed = new Set(await reads.followedIds(userId));
    const unfollowed = followed.filter((id) => !stillFollowed.has(id));
    if (unfollowed.length > 0) await socket.leave(unfollowed.map((id) => rooms.author(id)));
    await socket.join([...stillFollowed].map((id) => rooms.author(id)));
  },
  messageRooms: ({ authorId }) => [rooms.author(authorId)],
  followMove: ({ whoId, whomId }) => ({ members: rooms.viewer(whoId), room: rooms.author(whomId) }),
  page: ({ userId }, { params, before, limit, tuning }) => homePageSql(params.add(userId), before, limit, tuning),
  since: ({ userId }, { params, afterId, limit, tuning }) => homeSinceSql(params.add(userId), afterId, limit, tuning),
};

/** The viewer and everyone they follow: the authors of My Timeline. */
const homeAuthors = (viewer: string, tuning: HomeTuning) => `
  "authors" as (
    select ${viewer}::int as "id"
    union all
    select "whom_id" from "followers" where "who_id" = ${viewer}),
  "wide" as (select count(*) > ${tuning.wideFollowing} as "yes" from "authors")`;

/**
 * From `wideFollowing` authors on, My Timeline first reads a window of the newest
 * `window` public entries and keeps the followed authors' ones: for a viewer
 * who follows thousands of accounts that is far cheaper than one index probe
 * per account, and when the window holds a full page (or is all there is),
 * the page is exact. Otherwise — few followed accounts, or quiet ones — the
 * per-author probes below answer. Either way the cost is bounded.
 */
export interface HomeTuning {
  wideFollowing: number;
  window: number;
}

export const HOME_TUNING: HomeTuning = { wideFollowing: 500, window: 5_000 };

/**
 * My Timeline, newest first, `limit` rows (the caller asks one more than it
 * shows), older than `before` when set (`before` is a `(pub_date, id)` row
 * condition on its alias, or ''). Instead of filtering the whole public
 * timeline by the follow graph (which reads every message newer than the
 * page), at most:
 *
 * 0. for a wide viewer, the window described at HOME_TUNING; if that is
 *    not enough:
 * 1. `heads`: each author's newest visible message before the cursor — one
 *    index probe per author on (author_id, pub_date desc, id desc);
 * 2. `cutoff` is the limit-th newest head. Those heads are `limit` messages at
 *    least that new, so the page holds nothing older; an author whose head is
 *    older contributes nothing, and the at most `limit` others each contribute
 *    at most `limit` rows from their index range [cutoff, head].
 *
 * So a page reads at most `window` or (authors + limit²) index entries, then
 * `limit` rows.
 */
function homePageSql(viewer: string, before: (alias: string) => string, limit: string, tuning: HomeTuning): string {
  return `
  with ${homeAuthors(viewer, tuning)},
  "window" as (
    select w."id", w."pub_date", w."author_id" from "messages" w
    where (select "yes" from "wide") and not w."flagged" ${before('w')}
    order by w."pub_date" desc, w."id" desc limit ${tuning.window}),
  "fast" as (
    select w."id", w."pub_date" from "window" w
    where w."author_id" in (select "id" from "authors")
    order by w."pub_date" desc, w."id" desc limit ${limit}),
  "fast_complete" as (
    select (select "yes" from "wide")
       and ((select count(*) from "fast") = ${limit} or (select count(*) from "window") < ${tuning.window}) as "yes"),
  "heads" as (
    select a."id" as "author_id", h."pub_date", h."id"
    from "authors" a cross join lateral (
      select m."pub_date", m."id" from "messages" m
      where m."author_id" = a."id" and not m."flagged" ${before('m')}
      order by m."pub_date" desc, m."id" desc limit 1) h
    where not (select "yes" from "fast_complete")),
  "cutoff" as (
    select "pub_date", "id" from "heads" order by "pub_date" desc, "id" desc offset (${limit} - 1) limit 1),
  "bound" as (
    select coalesce((select "pub_date" from "cutoff"), '-infinity') as "pub_date",
           coalesce((select "id" from "cutoff"), 0) as "id"),
  "probed" as (
    select c."id", c."pub_date"
    from "heads" h cross join "bound" b cross join lateral (
      select m."id", m."pub_date" from "messages" m
      where m."author_id" = h."author_id" and not m."flagged"
        and (m."pub_date", m."id") <= (h."pub_date", h."id")
        and (m."pub_date", m."id") >= (b."pub_date", b."id")
      order by m."pub_date" desc, m."id" desc limit ${limit}) c
    where (h."pub_date", h."id") >= (b."pub_date", b."id")
    order by c."pub_date" desc, c."id" desc limit ${limit}),
  "page" as (
    select "id" from "fast" where (select "yes" from "fast_complete")
    union all
    select "id" from "probed")
  select ${MESSAGE_COLUMNS}
  from "page" p join "messages" m on m."id" = p."id" join "users" u on u."id" = m."author_id"
  order by m."pub_date" desc, m."id" desc`;
}

/**
 * My Timeline's catch-up: the same steps as `homePageSql`, on ids — for a
 * wide viewer the window of the next `window` ids (usually all that was
 * missed); else each author's lowest new id (one probe of (author_id, id)),
 * the limit-th lowest of those as the bound, then at most `limit` ids from
 * each author whose first new id is within it.
 */
function homeSinceSql(viewer: string, afterId: string, limit: string, tuning: HomeTuning): string {
  return `
  with ${homeAuthors(viewer, tuning)},
  "window" as (
    select w."id", w."author_id" from "messages" w
    where (select "yes" from "wide") and not w."flagged" and w."id" > ${afterId}
    order by w."id" limit ${tuning.window}),
  "fast" as (
    select w."id" from "window" w where w."author_id" in (select "id" from "authors")
    order by w."id" limit ${limit}),
  "fast_complete" as (
    select (select "yes" from "wide")
       and ((select count(*) from "fast") = ${limit} or (select count(*) from "window") < ${tuning.window}) as "yes"),
  "heads" as (
    select a."id" as "author_id", h."id"
    from "authors" a cross join lateral (
      select m."id" from "messages" m
      where m."author_id" = a."id" and not m."flagged" and m."id" > ${afterId}
      order by m."id" limit 1) h
    where not (select "yes" from "fast_complete")),
  "bound" as (
    select coalesce((select "id" from "heads" order by "id" offset (${limit} - 1) limit 1), 2147483647) as "id"),
  "probed" as (
    select c."id" from "heads" h cross join "bound" b cross join lateral (
      select m."id" from "messages" m
      where m."author_id" = h."author_id" and not m."flagged" and m."id" >= h."id" and m."id" <= b."id"
      order by m."id" limit ${limit}) c
    where h."id" <= b."id"
    order by c."id" limit ${limit})
  ${oldestFirst(`
    select "id" from "fast" where (select "yes" from "fast_complete")
    union all
    select "id" from "probed"`)}`;
}
