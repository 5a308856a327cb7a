import { gravatarUrl } from '@minitwit/db';
import type { Suggestion } from '$lib/suggestion';
import { database } from './database';
import type { TimelineView } from './timeline-loader';

/** Few enough to read at a glance; the query is bounded by its window, not by this. */
const SUGGESTIONS_SHOWN = 5;

/**
 * People to follow, for a My Timeline with nothing on it yet (typically a new
 * account): the most active recent authors the viewer does not follow. Only
 * the first page is ever empty, so older pages never ask.
 */
export async function suggestionsFor(viewerId: number, timeline: TimelineView): Promise<Suggestion[]> {
  if (timeline.messages.length > 0 || timeline.paged) return [];
  const db = await database();
  const authors = await db.suggestions.whoToFollow(viewerId, SUGGESTIONS_SHOWN);
  return authors.map((author) => ({
    username: author.username,
    avatarUrl: gravatarUrl(author.email),
    recentMessages: author.recentMessages,
  }));
}
