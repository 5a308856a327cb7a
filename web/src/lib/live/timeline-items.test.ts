import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '$lib/timeline-item';
import {
  LIVE_PAGE_CAP,
  capNewest,
  fromLiveMessage,
  mergeNewest,
  newMessagesLabel,
  newestIdOf,
  withoutIds,
} from './timeline-items';

const item = (id: number, pubMs = id * 1000): TimelineItem => ({
  id,
  text: `m${id}`,
  pubMs,
  author: { username: 'a', avatarUrl: 'x' },
});
const ids = (items: TimelineItem[]) => items.map((i) => i.id);

describe('fromLiveMessage', () => {
  it('keeps what the page renders and turns the ISO date into epoch milliseconds', () => {
    const live = {
      id: 7,
      text: 'hi <b>',
      pubDate: '2024-03-05T06:07:08.000Z',
      author: { id: 3, username: 'Ada L', avatarUrl: 'https://www.gravatar.com/avatar/abc?d=identicon&s=48' },
    };
    expect(fromLiveMessage(live)).toEqual({
      id: 7,
      text: 'hi <b>',
      pubMs: Date.UTC(2024, 2, 5, 6, 7, 8),
      author: { username: 'Ada L', avatarUrl: 'https://www.gravatar.com/avatar/abc?d=identicon&s=48' },
    });
  });
});

describe('mergeNewest', () => {
  it('puts new items on top, newest first, each id once', () => {
    expect(ids(mergeNewest([item(5), item(3)], [item(6), item(4), item(5), item(6)]))).toEqual([6, 5, 4, 3]);
  });

  it('orders by pub date before id, and breaks ties by id', () => {
    expect(ids(mergeNewest([item(5, 5000)], [item(9, 1000), item(4, 5000)]))).toEqual([5, 4, 9]);
  });

  it('keeps the copy already shown when an id comes again', () => {
    const shown = item(2);
    const again = { ...item(2), text: 'changed' };
    expect(mergeNewest([shown], [again])[0]?.text).toBe('m2');
  });
});

describe('withoutIds', () => {
  it('drops the given ids and ignores ids not shown', () => {
    expect(ids(withoutIds([item(3), item(2), item(1)], new Set([2, 99])))).toEqual([3, 1]);
  });
});

describe('newestIdOf', () => {
  it('is the largest id shown, 0 for an empty page', () => {
    expect(newestIdOf([item(4), item(9), item(2)])).toBe(9);
    expect(newestIdOf([])).toBe(0);
  });
});

describe('newMessagesLabel', () => {
  it('counts in words', () => {
    expect(newMessagesLabel(1)).toBe('1 new message');
    expect(newMessagesLabel(3)).toBe('3 new messages');
  });
});

describe('capNewest', () => {
  it('keeps a short timeline as it is, with no pager link of its own', () => {
    const items = [item(3), item(2), item(1)];
    expect(capNewest(items, 5)).toEqual({ items, olderHref: null });
  });

  it('keeps only the newest `cap` and links past the last one kept, in the server cursor format', () => {
    const items = Array.from({ length: 10 }, (_, i) => item(10 - i));
    const capped = capNewest(items, 4);
    expect(ids(capped.items)).toEqual([10, 9, 8, 7]);
    expect(capped.olderHref).toBe(`?before=${7 * 1000}-7`);
  });

  it('stays bounded however many live messages arrive', () => {
    let shown: TimelineItem[] = [];
    for (let id = 1; id <= 5_000; id += 1) shown = capNewest(mergeNewest(shown, [item(id)])).items;
    expect(shown).toHaveLength(LIVE_PAGE_CAP);
    expect(shown[0]!.id).toBe(5_000);
  });
});
