import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';

describe('page cursors', () => {
  it('round-trips a (pub_date, id) position exactly', () => {
    const cursor = { pubDate: new Date('2026-11-27T12:34:56.789Z'), id: 4242 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each(['', 'abc', '123', '1-2-3', '-1-2', '1.5-2', `1-${2 ** 31}`, '1234567890123456-1'])('refuses %j', (text) => {
    expect(() => decodeCursor(text)).toThrow('The page cursor is not valid');
  });
});
