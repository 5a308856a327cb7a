import { describe, expect, it } from 'vitest';
import { mergeMessages } from '@minitwit/realtime/merge';
import type { LiveMessage } from '@minitwit/realtime/client';
import { LIVE_PAGE_CAP, capNewest, newMessagesLabel } from './timeline-items';

const item = (id: number, pubMs = id * 1000): LiveMessage => ({
  id,
  text: `m${id}`,
  pubMs,
  author: { id: 1, username: 'a', avatarUrl: 'x' },
  mentions: [],
});
const ids = (items: LiveMessage[]) => items.map((i) => i.id);

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
    let shown: LiveMessage[] = [];
    for (let id = 1; id <= 5_000; id += 1) shown = capNewest(mergeMessages(shown, [item(id)])).items;
    expect(shown).toHaveLength(LIVE_PAGE_CAP);
    expect(shown[0]!.id).toBe(5_000);
  });
});
