import { MAX_MESSAGE_CHARS, charCount } from '@minitwit/db';
import { describe, expect, it } from 'vitest';
import { MESSAGE_LIMIT, bandAnnouncement, counterLabel, countCharacters, limitBand } from './character-count';

describe('the post box counter', () => {
  it('has the server limit and counts as the server does (code points: an emoji is one)', () => {
    expect(MESSAGE_LIMIT).toBe(MAX_MESSAGE_CHARS);
    for (const text of ['', 'abc', '😀👩‍👩‍👧', 'שלום', 'e\u0301', '\u{1F600}'.repeat(3)]) {
      expect(countCharacters(text), text).toBe(charCount(text));
    }
  });

  it('shows the count against the limit, and how far over', () => {
    expect(counterLabel(0)).toBe('0 of 500 characters');
    expect(counterLabel(500)).toBe('500 of 500 characters');
    expect(counterLabel(503)).toBe('3 over the 500-character limit');
  });

  it('announces only near the limit, once per band', () => {
    expect(limitBand(449)).toBeNull();
    expect(limitBand(450)).toBe(50);
    expect(limitBand(480)).toBe(20);
    expect(limitBand(490)).toBe(10);
    expect(limitBand(500)).toBe(0);
    expect(limitBand(501)).toBe(-1);
    expect(bandAnnouncement(480)).toBe('20 characters left');
    expect(bandAnnouncement(499)).toBe('1 character left');
    expect(bandAnnouncement(502)).toBe('2 characters over the limit');
  });
});
