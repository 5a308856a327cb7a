import type { LiveMessage } from '../contract';

/**
 * Pure timeline bookkeeping, the one copy: the live client (feed-state.ts)
 * and the Svelte component that shows the page (web LiveTimeline.svelte,
 * through the `@minitwit/realtime/merge` export) both use these. Timelines
 * are newest first: pub_date, then id, descending (SPEC §1).
 */

/** Sort order of a timeline: negative when `a` is shown above `b`. */
export function newestFirst(a: LiveMessage, b: LiveMessage): number {
  return b.pubMs - a.pubMs || b.id - a.id;
}

/** Messages of `incoming` whose id is neither in `known` nor earlier in `incoming`, oldest first. */
export function freshMessages(known: { has(id: number): boolean }, incoming: readonly LiveMessage[]): LiveMessage[] {
  const seen = new Set<number>();
  const fresh: LiveMessage[] = [];
  for (const message of incoming) {
    if (known.has(message.id) || seen.has(message.id)) continue;
    seen.add(message.id);
    fresh.push(message);
  }
  return fresh.sort((a, b) => newestFirst(b, a));
}

/** A shown timeline (newest first) with `incoming` merged in: no id twice, order kept. */
export function mergeMessages(shown: readonly LiveMessage[], incoming: readonly LiveMessage[]): LiveMessage[] {
  const fresh = freshMessages(new Set(shown.map((message) => message.id)), incoming);
  if (fresh.length === 0) return [...shown];
  return [...shown, ...fresh].sort(newestFirst);
}

/** A shown timeline without the removed ids. */
export function removeMessages(shown: readonly LiveMessage[], ids: Iterable<number>): LiveMessage[] {
  const removed = new Set(ids);
  return shown.filter((message) => !removed.has(message.id));
}

/** The id to subscribe with: the largest one shown, 0 for an empty page. */
export function newestIdOf(ids: Iterable<number>, floor = 0): number {
  let newest = floor;
  for (const id of ids) if (id > newest) newest = id;
  return newest;
}
