import { describe, expect, it } from 'vitest';
import type { LiveMessage } from '../contract';
import { FeedState, REMEMBERED_RUNS } from './feed-state';

const message = (id: number): LiveMessage => ({
  id,
  text: `m${id}`,
  pubMs: Date.UTC(2024, 0, 1, 0, 0, id),
  author: { id: 1, username: 'a', avatarUrl: 'x' },
  mentions: [],
});
const ids = (messages: LiveMessage[]) => messages.map((m) => m.id);

describe('FeedState', () => {
  it('subscribes after the newest id the page rendered', () => {
    expect(new FeedState(10).beginSubscribe()).toBe(10);
    expect(new FeedState(0, [4, 12]).beginSubscribe()).toBe(12);
  });

  it('holds live messages while subscribing, then hands over backlog and live in order, once each', () => {
    const state = new FeedState(10);
    state.beginSubscribe();
    expect(state.live(message(13))).toEqual([]);
    expect(state.live(message(12))).toEqual([]);
    // The backlog read overlapped the live ones: 12 arrives both ways.
    expect(ids(state.completeSubscribe([message(11), message(12)]))).toEqual([11, 12, 13]);
    expect(state.newestId()).toBe(13);
  });

  it('drops live duplicates and ids at or below what the page already has', () => {
    const state = new FeedState(0, [5]);
    state.completeSubscribe([]);
    expect(ids(state.live(message(6)))).toEqual([6]);
    expect(state.live(message(6))).toEqual([]);
    expect(state.live(message(5))).toEqual([]);
  });

  it('re-subscribes after a reconnect with the newest id it showed', () => {
    const state = new FeedState(1);
    state.beginSubscribe();
    state.completeSubscribe([message(2), message(3)]);
    expect(state.beginSubscribe()).toBe(3);
  });

  it('forgets a buffer whose subscription was aborted, and asks again from the same id', () => {
    const state = new FeedState(1);
    state.beginSubscribe();
    state.live(message(2));
    state.abortSubscribe();
    expect(state.beginSubscribe()).toBe(1);
    expect(ids(state.completeSubscribe([message(2)]))).toEqual([2]);
  });

  it('reads a backlog bigger than one reply page by page, holding live messages until the last page', () => {
    const state = new FeedState(10);
    expect(state.beginSubscribe()).toBe(10);
    expect(state.live(message(31))).toEqual([]);
    // The first page: the lowest ids missed. The live 31 is newer than what is read so far.
    expect(ids(state.completeSubscribe([message(11), message(12)], true))).toEqual([11, 12]);
    expect(state.beginSubscribe()).toBe(12);
    expect(state.live(message(32))).toEqual([]);
    expect(ids(state.completeSubscribe([message(13), message(31)]))).toEqual([13, 31, 32]);
    expect(state.newestId()).toBe(32);
    expect(ids(state.live(message(33)))).toEqual([33]);
  });

  it('drops a buffered copy of a backlog message even when the id memory has forgotten it', () => {
    const state = new FeedState(0);
    state.beginSubscribe();
    expect(state.live(message(1))).toEqual([]);
    const pages = REMEMBERED_RUNS + 200;
    let handedOver: number[] = [];
    for (let start = 1; start <= pages; start += 200) {
      const page = Array.from({ length: 200 }, (_, k) => message(start + k));
      const more = start + 200 <= pages;
      handedOver = ids(state.completeSubscribe(page, more));
      if (more) state.beginSubscribe();
    }
    // The last page only: the buffered 1 came with the first page and is not handed over again.
    expect(handedOver).toEqual(Array.from({ length: 200 }, (_, k) => pages - 199 + k));
    expect(state.newestId()).toBe(pages);
    expect(state.live(message(pages + 1))).toHaveLength(1);
  });

  it('never brings back a removed message, live or from a backlog read before the removal', () => {
    const state = new FeedState(0);
    state.beginSubscribe();
    expect(state.remove([7, 8])).toEqual([7, 8]);
    expect(ids(state.completeSubscribe([message(6), message(7)]))).toEqual([6]);
    expect(state.live(message(8))).toEqual([]);
  });
});

describe('FeedState over hours', () => {
  it('remembers every id of a dense timeline: a resync from long ago shows nothing twice', () => {
    const state = new FeedState(0);
    for (let id = 1; id <= 100_000; id += 1) expect(state.live(message(id))).toHaveLength(1);
    // A replica back from a partition sends a floor from minutes ago: every id read again is known.
    state.resync(10);
    expect(state.beginSubscribe()).toBe(10);
    const again = Array.from({ length: 500 }, (_, k) => message(11 + k));
    expect(state.completeSubscribe(again)).toEqual([]);
  });

  it("remembers a bounded number of a sparse timeline's ids: an ancient one is forgotten", () => {
    const state = new FeedState(0);
    const sparse = Array.from({ length: 10_000 }, (_, k) => 2 * (k + 1));
    for (const id of sparse) expect(state.live(message(id))).toHaveLength(1);
    expect(state.live(message(sparse.at(-REMEMBERED_RUNS)!))).toEqual([]);
    // Forgotten: only the newest REMEMBERED_RUNS runs (here single ids) are kept.
    expect(state.live(message(2))).toHaveLength(1);
  });
});
