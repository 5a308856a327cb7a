import { describe, expect, it } from 'vitest';
import { OUTAGE_RETRY_MAX_MS, outageRetryDelayMs } from './live-timeline';

/**
 * How long a page waits between tries while its server's database is away. The bound matters:
 * a page is live again at most one wait after the database is back, and a failover takes about
 * 10 s (docs/operations.md), so waits that kept doubling (to 10 s ±50%) held pages back for up
 * to 15 s after the new primary took writes.
 */
describe('the wait between tries during a database outage', () => {
  const lowest = () => 0;
  const highest = () => 0.999_999;

  it('starts short: the first try again comes within 0.5-1.5 s', () => {
    expect(outageRetryDelayMs(1, lowest)).toBe(500);
    expect(outageRetryDelayMs(1, highest)).toBeCloseTo(1_500, 0);
  });

  it('doubles, then stays at most 3 s apart however long the outage lasts', () => {
    const longest = Array.from({ length: 30 }, (_, i) => outageRetryDelayMs(i + 1, highest));
    expect(longest[1]).toBeCloseTo(3_000, 0);
    expect(Math.max(...longest)).toBeLessThanOrEqual(OUTAGE_RETRY_MAX_MS * 1.5);
    expect(longest.at(-1)).toBeCloseTo(OUTAGE_RETRY_MAX_MS * 1.5, 0);
  });

  it('never tries more often than every 0.5 s, so an outage does not become a storm', () => {
    const shortest = Array.from({ length: 30 }, (_, i) => outageRetryDelayMs(i + 1, lowest));
    expect(Math.min(...shortest)).toBe(500);
    expect(shortest.at(-1)).toBe(OUTAGE_RETRY_MAX_MS / 2);
  });
});
