import { describe, expect, it, vi } from 'vitest';
import { RECONNECT_SPACING_MS, STRANDED_MS, strandedRedis } from './stranded-redis';

describe('strandedRedis', () => {
  it('reconnects once every publish reached no one for STRANDED_MS, and not again within the spacing', () => {
    let now = 0;
    const reconnect = vi.fn();
    const stranded = strandedRedis(reconnect, () => now);
    stranded.answered(0);
    now = STRANDED_MS - 1;
    stranded.answered(0);
    expect(reconnect).not.toHaveBeenCalled();
    now = STRANDED_MS;
    stranded.answered(0);
    expect(reconnect).toHaveBeenCalledTimes(1);
    // Still no one: the next attempt waits for the spacing.
    now += STRANDED_MS;
    stranded.answered(0);
    now += STRANDED_MS;
    stranded.answered(0);
    expect(reconnect).toHaveBeenCalledTimes(1);
    now = STRANDED_MS + RECONNECT_SPACING_MS;
    stranded.answered(0);
    expect(reconnect).toHaveBeenCalledTimes(2);
  });

  it('never reconnects while some publish reaches a subscriber', () => {
    let now = 0;
    const reconnect = vi.fn();
    const stranded = strandedRedis(reconnect, () => now);
    for (; now < 10 * STRANDED_MS; now += 500) stranded.answered(now % 1_500 === 0 ? 1 : 0);
    expect(reconnect).not.toHaveBeenCalled();
  });
});
