import { stat } from 'node:fs/promises';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { LagTolerantTimeouts } from './lag-tolerant-timeouts';

/** A store whose answer comes back as I/O, read in the loop's poll phase, as Redis's reply does. */
class LoopStore extends RateLimiterMemory {
  override async consume(key: string | number, points?: number) {
    await stat('.');
    return super.consume(key, points);
  }
}

/** Holds the event loop, as a burst of requests on a busy machine does. */
function busyFor(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('LagTolerantTimeouts', () => {
  it('takes the store answer that arrived while the loop was busy past the timeout, not the insurance', async () => {
    const primary = new LoopStore({ points: 5, duration: 60 });
    const insurance = new RateLimiterMemory({ points: 5, duration: 60 });
    const limiter = new LagTolerantTimeouts(primary, insurance, 50);
    const answer = limiter.consume('key');
    busyFor(150);
    expect((await answer).consumedPoints).toBe(1);
    // Counted in the store only: the insurance never saw it (rate-limiter-flexible's own wrapper counts it there).
    expect(await insurance.get('key')).toBeNull();
  });

  it('hands over to the insurance when the store really does not answer in time', async () => {
    const silent = new (class extends RateLimiterMemory {
      override consume() {
        return new Promise<never>(() => {});
      }
    })({ points: 5, duration: 60 });
    const insurance = new RateLimiterMemory({ points: 5, duration: 60 });
    const limiter = new LagTolerantTimeouts(silent, insurance, 50);
    const started = Date.now();
    expect((await limiter.consume('key')).consumedPoints).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await insurance.get('key')).not.toBeNull();
  });
});
