import { describe, expect, it } from 'vitest';
import { exactLocalTime, relativeTime } from './relative-time';

const NOW = Date.UTC(2026, 11, 6, 2, 12, 30);
const ago = (ms: number) => relativeTime(NOW - ms, NOW);

describe('relativeTime', () => {
  it('says just now for the first minute, and for a time a skewed clock puts ahead', () => {
    expect(ago(0)).toBe('just now');
    expect(ago(59_999)).toBe('just now');
    expect(ago(-5_000)).toBe('just now');
  });

  it('counts whole minutes, hours, days, weeks, months and years, rounded down', () => {
    expect(ago(60_000)).toBe('1 minute ago');
    expect(ago(3 * 60_000 + 59_000)).toBe('3 minutes ago');
    expect(ago(60 * 60_000)).toBe('1 hour ago');
    expect(ago(5 * 3_600_000 + 59 * 60_000)).toBe('5 hours ago');
    expect(ago(24 * 3_600_000)).toBe('yesterday');
    expect(ago(3 * 86_400_000)).toBe('3 days ago');
    expect(ago(7 * 86_400_000)).toBe('last week');
    expect(ago(15 * 86_400_000)).toBe('2 weeks ago');
    expect(ago(61 * 86_400_000)).toBe('2 months ago');
    expect(ago(800 * 86_400_000)).toBe('2 years ago');
  });
});

describe('exactLocalTime', () => {
  it('shows the moment in the given zone, naming the zone', () => {
    // The example: 02:12 UTC is the evening before in Los Angeles.
    expect(exactLocalTime(Date.UTC(2026, 11, 6, 2, 12), 'America/Los_Angeles')).toBe('Dec 5, 2026, 6:12 PM PST');
    expect(exactLocalTime(Date.UTC(2026, 11, 6, 2, 12), 'UTC')).toBe('Dec 6, 2026, 2:12 AM UTC');
  });
});
