import type { LiveMessage } from '@minitwit/realtime/client';
import type { TimelineItem } from '$lib/timeline-item';

/**
 * Timeline bookkeeping for live pages, on the items the server render uses,
 * so a live message is drawn by the same component as a rendered one.
 */

/** A live message as the page renders it (the author id only routes events; the page does not need it). */
export function fromLiveMessage(message: LiveMessage): TimelineItem {
  return {
    id: message.id,
    text: message.text,
    pubMs: Date.parse(message.pubDate),
    author: { username: message.author.username, avatarUrl: message.author.avatarUrl },
  };
}

/** Timeline order (SPEC §1): pub date, then id, both descending. */
export function newestFirst(a: TimelineItem, b: TimelineItem): number {
  return b.pubMs - a.pubMs || b.id - a.id;
}

/** `shown` with `incoming` merged in: each id once, newest first. */
export function mergeNewest(shown: readonly TimelineItem[], incoming: readonly TimelineItem[]): TimelineItem[] {
  const byId = new Map<number, TimelineItem>();
  for (const item of [...shown, ...incoming]) if (!byId.has(item.id)) byId.set(item.id, item);
  return [...byId.values()].sort(newestFirst);
}

export function withoutIds(items: readonly TimelineItem[], ids: ReadonlySet<number>): TimelineItem[] {
  return ids.size === 0 ? [...items] : items.filter((item) => !ids.has(item.id));
}

/** The id a page subscribes after: its newest message's, 0 when it shows none. */
export function newestIdOf(items: readonly TimelineItem[]): number {
  return items.reduce((newest, item) => Math.max(newest, item.id), 0);
}

export function newMessagesLabel(count: number): string {
  return count === 1 ? '1 new message' : `${count} new messages`;
}

/** What a screen reader hears when messages appear at the top of the timeline being read. */
export function arrivedAnnouncement(items: readonly TimelineItem[]): string {
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
  items: readonly TimelineItem[],
  cap = LIVE_PAGE_CAP,
): { items: TimelineItem[]; olderHref: string | null } {
  if (items.length <= cap) return { items: [...items], olderHref: null };
  const kept = items.slice(0, cap);
  const last = kept[kept.length - 1]!;
  // The server's cursor format (db/src/domain/cursor.ts): `<pub date ms>-<id>`.
  return { items: kept, olderHref: `?${new URLSearchParams({ before: `${last.pubMs}-${last.id}` })}` };
}
