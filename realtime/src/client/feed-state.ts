import type { LiveMessage } from '../contract';
import { IdRuns } from './id-runs';
import { freshMessages, newestIdOf } from './merge';

/**
 * Runs of consecutive ids remembered for dropping duplicates (id-runs.ts): a duplicate is a live
 * copy of a message also in a backlog, or a message read again after a resync, whose floor can
 * lie minutes back after a partition. Past this many runs the lowest are forgotten: a sparse
 * timeline remembers this many ids, a dense one (public) every id since the page opened.
 */
export const REMEMBERED_RUNS = 2_000;

/**
 * What one live page has seen, independent of sockets. While a subscription
 * is in flight, live messages wait in a buffer: they may be newer than the
 * backlog the server is still reading, and the page should get both in order,
 * once each.
 */
export class FeedState {
  private readonly known = new IdRuns(REMEMBERED_RUNS);
  private readonly removed = new Set<number>();
  private buffer: LiveMessage[] | null = null;
  private newest: number;
  /**
   * Where the next backlog read starts when that is below `newest`: the page
   * may lack messages above it (a resync said live events after it may be
   * lost, or a backlog read so far reached only this id). Kept across failed
   * and re-sent subscriptions until a read completes.
   */
  private cursor: number | null = null;

  constructor(newestId: number, knownIds: Iterable<number> = []) {
    const ids = [...knownIds];
    for (const id of ids) this.known.add(id);
    this.newest = newestIdOf(ids, newestId);
  }

  /**
   * Starts a (re)subscription, or the next page of a backlog that did not fit
   * in one reply; returns the id to subscribe after. Live messages buffered by
   * the one before are kept: they are real messages of the scope, and still
   * newer than the backlog pages read so far.
   */
  beginSubscribe(): number {
    this.buffer ??= [];
    return this.cursor ?? this.newest;
  }

  /**
   * Live events after `afterId` may have been lost (`timeline:resync`): the
   * next read starts there, not at the newest id shown, which live messages
   * that did arrive may have carried past the lost ones.
   */
  resync(afterId: number | undefined): void {
    if (afterId === undefined) return;
    this.cursor = Math.min(this.cursor ?? this.newest, afterId);
  }

  /**
   * The subscription ended with the socket (disconnect) or for good (refused): what was
   * buffered comes back in the next backlog. A retry on the same socket keeps the buffer
   * instead (beginSubscribe again): live messages go on arriving meanwhile.
   */
  abortSubscribe(): void {
    this.buffer = null;
  }

  /**
   * The backlog arrived: it and what was buffered meanwhile, new ones only,
   * oldest first. With `more`, the backlog is one page of a longer one (the
   * lowest ids missed, gap-free up to its newest): only the page is handed
   * over, and live messages stay buffered until the last page is in —
   * taking a newer live id now would skip the pages still to read.
   */
  completeSubscribe(backlog: readonly LiveMessage[], more = false): LiveMessage[] {
    const fromBacklog = this.accept(backlog);
    if (more) {
      this.cursor = newestIdOf(
        backlog.map((message) => message.id),
        this.cursor ?? this.newest,
      );
      return fromBacklog;
    }
    this.cursor = null;
    const buffered = this.buffer ?? [];
    this.buffer = null;
    // Ids are handed out in commit order (db messages.ts) and every page of the backlog was read
    // after the socket joined its rooms, so the pages hold every id up to the newest one now:
    // a buffered copy at or below it is a duplicate, even one the bounded id memory forgot.
    const newest = this.newest;
    return [...fromBacklog, ...this.accept(buffered.filter((message) => message.id > newest))];
  }

  /** A live message: to show now (a list of 0 or 1), or held until the backlog is in. */
  live(message: LiveMessage): LiveMessage[] {
    if (this.buffer) {
      this.buffer.push(message);
      return [];
    }
    return this.accept([message]);
  }

  /** Removed ids are remembered, so a backlog read before the removal cannot bring one back. */
  remove(ids: readonly number[]): number[] {
    for (const id of ids) this.removed.add(id);
    forgetOldest(this.removed);
    return [...ids];
  }

  newestId(): number {
    return this.newest;
  }

  private accept(incoming: readonly LiveMessage[]): LiveMessage[] {
    const fresh = freshMessages(this.known, incoming).filter((message) => !this.removed.has(message.id));
    for (const message of fresh) this.known.add(message.id);
    this.newest = newestIdOf(
      fresh.map((message) => message.id),
      this.newest,
    );
    return fresh;
  }
}

/** Keeps the removed ids at REMEMBERED_RUNS by dropping the earliest added (sets iterate in insertion order). */
function forgetOldest(ids: Set<number>): void {
  for (const id of ids) {
    if (ids.size <= REMEMBERED_RUNS) return;
    ids.delete(id);
  }
}
