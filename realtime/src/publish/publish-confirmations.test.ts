import { afterEach, describe, expect, it, vi } from 'vitest';
import { publishConfirmations } from './publish-confirmations';

describe('publishConfirmations', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles at once when nothing is waiting for Redis', async () => {
    const confirmations = publishConfirmations(100);
    expect(await confirmations.settled()).toBe(true);
    confirmations.handedOver(1);
    confirmations.answered(1);
    expect(await confirmations.settled()).toBe(true);
  });

  it('waits for the answer to the newest publish handed over, which covers the ones before it', async () => {
    vi.useFakeTimers();
    const confirmations = publishConfirmations(100);
    confirmations.handedOver(1);
    confirmations.handedOver(2);
    let taken: boolean | undefined;
    void confirmations.settled().then((result) => (taken = result));
    confirmations.answered(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(taken).toBeUndefined();
    confirmations.answered(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(taken).toBe(true);
  });

  it('gives up after its bound, answering false, and a later publish does not extend an earlier wait', async () => {
    vi.useFakeTimers();
    const confirmations = publishConfirmations(100);
    confirmations.handedOver(1);
    let first: boolean | undefined;
    void confirmations.settled().then((result) => (first = result));
    confirmations.handedOver(2);
    let second: boolean | undefined;
    void confirmations.settled().then((result) => (second = result));
    // The answer to the first publish settles the first wait; the second still waits for its own.
    confirmations.answered(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(first).toBe(true);
    expect(second).toBeUndefined();
    await vi.advanceTimersByTimeAsync(99);
    expect(second).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toBe(false);
  });

  it('releases every wait when the publisher closes', async () => {
    const confirmations = publishConfirmations(60_000);
    confirmations.handedOver(1);
    const waiting = confirmations.settled();
    confirmations.releaseAll();
    expect(await waiting).toBe(false);
  });
});
