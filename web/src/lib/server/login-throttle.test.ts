import { describe, expect, it } from 'vitest';
import { LoginThrottle, type ThrottlePolicy } from './login-throttle';

const policy: ThrottlePolicy = {
  freeFailures: 3,
  baseLockMs: 1_000,
  maxLockMs: 8_000,
  forgetAfterMs: 60_000,
  maxKeys: 100,
};

function throttleAt(start = 0) {
  const clock = { now: start };
  return { clock, throttle: new LoginThrottle(policy, () => clock.now) };
}

describe('LoginThrottle', () => {
  it('lets the free failures through without waiting', () => {
    const { throttle } = throttleAt();
    throttle.recordFailure(['k']);
    throttle.recordFailure(['k']);
    expect(throttle.retryAfterMs(['k'])).toBe(0);
  });

  it('locks after the free failures, doubling each time up to the maximum', () => {
    const { clock, throttle } = throttleAt();
    for (let i = 0; i < 3; i++) throttle.recordFailure(['k']);
    expect(throttle.retryAfterMs(['k'])).toBe(1_000);
    clock.now += 1_000;
    expect(throttle.retryAfterMs(['k'])).toBe(0);
    throttle.recordFailure(['k']);
    expect(throttle.retryAfterMs(['k'])).toBe(2_000);
    clock.now += 2_000;
    throttle.recordFailure(['k']);
    expect(throttle.retryAfterMs(['k'])).toBe(4_000);
    clock.now += 4_000;
    throttle.recordFailure(['k']);
    clock.now += 8_000;
    throttle.recordFailure(['k']);
    expect(throttle.retryAfterMs(['k'])).toBe(8_000);
  });

  it('reports the longest wait among the keys and keeps keys apart', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 3; i++) throttle.recordFailure(['a']);
    expect(throttle.retryAfterMs(['b'])).toBe(0);
    expect(throttle.retryAfterMs(['b', 'a'])).toBe(1_000);
  });

  it('forgets a key after a quiet period', () => {
    const { clock, throttle } = throttleAt();
    for (let i = 0; i < 2; i++) throttle.recordFailure(['a']);
    clock.now += 60_001;
    throttle.recordFailure(['a']);
    expect(throttle.retryAfterMs(['a'])).toBe(0);
  });

  it('starts a key over after a success', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 2; i++) throttle.recordFailure(['b']);
    throttle.recordSuccess('b');
    for (let i = 0; i < 2; i++) throttle.recordFailure(['b']);
    expect(throttle.retryAfterMs(['b'])).toBe(0);
    throttle.recordFailure(['b']);
    expect(throttle.retryAfterMs(['b'])).toBe(1_000);
  });

  it('bounds its memory, evicting the least recently failed key', () => {
    const throttle = new LoginThrottle({ ...policy, freeFailures: 1, maxKeys: 2 }, () => 0);
    throttle.recordFailure(['old']);
    throttle.recordFailure(['mid']);
    throttle.recordFailure(['new']);
    expect(throttle.retryAfterMs(['old'])).toBe(0);
    expect(throttle.retryAfterMs(['mid'])).toBe(1_000);
    expect(throttle.retryAfterMs(['new'])).toBe(1_000);
  });
});
