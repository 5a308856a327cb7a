import { z } from 'zod';
import { newestFirst, oldestFirst } from '../timeline-sql';
import { type TimelineKind, requireViewer } from './kind';
import { rooms } from './rooms';

export type MentionsScope = { kind: 'mentions'; userId: number };

/**
 * The viewer's Mentions: messages whose text names them as `@name`, resolved
 * when the message was written (messages.ts) into the "mentions" table, which
 * carries the message's pub_date so a page is one range scan of
 * ("user_id", "pub_date" desc, "message_id" desc) and a catch-up one of the
 * key ("user_id", "message_id"). Flagged messages are dropped by the join; so
 * few are flagged that a page reads about `limit` entries.
 */
export const mentionsKind: TimelineKind<{ kind: 'mentions' }, MentionsScope> = {
  request: z.object({ kind: z.literal('mentions') }),
  needsViewer: true,
  scopeFor: (_request, viewerId) => ({ kind: 'mentions', userId: requireViewer(viewerId) }),
  async join({ userId }, socket) {
    await socket.join([rooms.mentions(userId)]);
  },
  messageRooms: ({ mentionedIds }) => mentionedIds.map((id) => rooms.mentions(id)),
  page: ({ userId }, { params, before, limit }) =>
    newestFirst(`
      select x."id" from (select "message_id" as "id", "pub_date", "user_id" from "mentions") x
      join "messages" m on m."id" = x."id"
      where x."user_id" = ${params.add(userId)} and not m."flagged" ${before('x')}
      order by x."pub_date" desc, x."id" desc limit ${limit}`),
  since: ({ userId }, { params, afterId, limit }) =>
    oldestFirst(`
      select x."message_id" as "id" from "mentions" x join "messages" m on m."id" = x."message_id"
      where x."user_id" = ${params.add(userId)} and not m."flagged" and x."message_id" > ${afterId}
      order by x."message_id" limit ${limit}`),
};
