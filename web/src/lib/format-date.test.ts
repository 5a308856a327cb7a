import { describe, expect, it } from 'vitest';
import { formatPubDate } from './format-date';

describe('formatPubDate', () => {
  it('formats in UTC with zero padding', () => {
    expect(formatPubDate(Date.UTC(2024, 0, 5, 3, 7, 59))).toBe('2024-01-05 @ 03:07');
  });

  it('does not depend on the local time zone (late evening UTC stays on its day)', () => {
    expect(formatPubDate(Date.UTC(2023, 11, 31, 23, 59))).toBe('2023-12-31 @ 23:59');
  });
});
