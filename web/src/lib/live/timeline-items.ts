import type { LiveMessage } from '@minitwit/realtime/client';

/**
 * What a live page says and keeps, on the one message shape a browser sees
 * (LiveMessage, in page data and live events alike). Merging, dedupe and
 * order are @minitwit/realtime/merge's, shared with the live client.
 */

export function newMessagesLabel(count: number): string {
  return count === 1 ? '1 new message' : `${count} new messages`;
}

/** What a screen reader hears when messages appear at the top of the timeline being read. */
export function arrivedAnnouncement(items: readonly LiveMessage[]): string {
  const first = items[0];
  if (!first) return '';
  if (items.length === 1) return `New message from ${first.author.username}: ${first.text}`;
  return `${newMessagesLabel(items.length)} at the top of the timeline`;
}

/** What a screen reader hears when messages wait above a reader further down. */
export function pendingAnnouncement(count: number): string {
  return `${newMessagesLabel(count)} above. Press the "${newMessagesLabel(count)}" button or the period key to show them.`;
}

/**
 * Most messages a live page keeps. A page left open for hours would otherwise
 * grow without end (memory, layout time); the newest stay, the oldest drop off
 * the bottom, and "Older messages" then continues from the last one kept.
 */
export const LIVE_PAGE_CAP = 200;

/** The newest `cap` items (newest first), and the pager link past the last one kept when some were dropped. */
export function capNewest(
  items: readonly LiveMessage[],
  cap = LIVE_PAGE_CAP,
): { items: LiveMessage[]; olderHref: string | null } {
  if (items.length <= cap) return { items: [...items], olderHref: null };
  const kept = items.slice(0, cap);
  const last = kept[kept.length - 1]!;
  // The server's cursor format (db/src/domain/cursor.ts): `<pub date ms>-<id>`.
  return { items: kept, olderHref: `?${new URLSearchParams({ before: `${last.pubMs}-${last.id}` })}` };
}
