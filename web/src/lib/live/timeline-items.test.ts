import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '$lib/timeline-item';
import { fromLiveMessage, mergeNewest, newMessagesLabel, newestIdOf, withoutIds } from './timeline-items';

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
