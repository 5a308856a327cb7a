import { type TimelineScope, decodeCursor, isDomainError } from '@minitwit/db';
import { error } from '@sveltejs/kit';
import { type LiveMessage, toLiveMessage } from '@minitwit/realtime';
import { database } from './database';

export const PAGE_SIZE = 30;

export interface TimelineView {
  /** The same shape as the live events, from the same presenter, so one component draws both. */
  messages: LiveMessage[];
  /** Link to the next older page (`?before=<cursor>`), null on the last page. */
  olderHref: string | null;
  /** True when this is not the newest page, so the page offers a way back to the top. */
  paged: boolean;
}

/**
 * One page of a timeline. The cursor names the last message shown, so the
 * older pages stay the same while new messages arrive on top.
 */
export async function loadTimeline(scope: TimelineScope, url: URL): Promise<TimelineView> {
  const before = url.searchParams.get('before');
  let cursor;
  try {
    cursor = before ? decodeCursor(before) : undefined;
  } catch (cause) {
    if (isDomainError(cause)) error(400, cause.message);
    throw cause;
  }
  const db = await database();
  const page = await db.timelines.page(scope, { limit: PAGE_SIZE, before: cursor });
  return {
    messages: page.messages.map(toLiveMessage),
    olderHref: page.nextCursor ? `?${new URLSearchParams({ before: page.nextCursor })}` : null,
    paged: cursor !== undefined,
  };
}
