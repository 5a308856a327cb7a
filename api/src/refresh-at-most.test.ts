import { describe, expect, it } from 'vitest';
import { refreshAtMost } from './refresh-at-most';

describe('refreshAtMost', () => {
  it('reads once for a burst of callers, again only once the value is older than the limit', async () => {
    let clock = 0;
    let reads = 0;
    const value = refreshAtMost(
      async () => {
        reads += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return reads;
      },
      1_000,
      () => clock,
    );
    expect(await Promise.all(Array.from({ length: 50 }, value))).toEqual(Array(50).fill(1));
    clock = 999;
    expect(await value()).toBe(1);
    clock = 1_000;
    expect(await Promise.all([value(), value()])).toEqual([2, 2]);
    expect(reads).toBe(2);
  });

  it('keeps no failure: the next caller reads again', async () => {
    let fail = true;
    const value = refreshAtMost(async () => {
      if (fail) throw new Error('database down');
      return 'ok';
    }, 60_000);
    await expect(value()).rejects.toThrow('database down');
    fail = false;
    expect(await value()).toBe('ok');
  });
});
