import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOSS_MARGIN_MS, lossFloor } from './loss-floor';

describe('lossFloor', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('names the newest id that went out a margin before the loss', () => {
    const loss = lossFloor();
    loss.sent(10);
    vi.advanceTimersByTime(1_000);
    loss.sent(11);
    vi.advanceTimersByTime(LOSS_MARGIN_MS);
    loss.sent(12); // within the margin: it may have been overtaken by a lost one
    vi.advanceTimersByTime(500);
    loss.lost();
    expect(loss.take()).toBe(11);
  });

  it('counts the margin back from the last send, for a loss noticed seconds late', () => {
    // A page's server vanished with its host: the last message came through at 12, and the page
    // notices only when the heartbeat runs out 4 s later. An id just below 12 (published out of
    // order) may have been on its way then: the floor must lie before 12, not at it.
    const loss = lossFloor();
    loss.sent(10);
    vi.advanceTimersByTime(LOSS_MARGIN_MS + 500);
    loss.sent(12);
    vi.advanceTimersByTime(4_000);
    loss.lost();
    expect(loss.take()).toBe(10);
  });

  it('names nothing when nothing went out live, and everything below the first when all is recent', () => {
    const quiet = lossFloor();
    quiet.lost();
    expect(quiet.take()).toBeUndefined();
    const recent = lossFloor();
    recent.sent(40);
    recent.sent(41);
    recent.lost();
    expect(recent.take()).toBe(39);
  });

  it("falls back to a settled id given up front (a page's server-rendered newest), not below the first", () => {
    const page = lossFloor(LOSS_MARGIN_MS, 30);
    page.sent(33);
    page.lost();
    expect(page.take()).toBe(30);
    const older = lossFloor(LOSS_MARGIN_MS, 30);
    older.sent(33);
    vi.advanceTimersByTime(LOSS_MARGIN_MS + 1);
    older.sent(35);
    older.lost();
    expect(older.take()).toBe(33);
  });

  it('names the id of a margin ago in a steady stream, not the first one ever', () => {
    const loss = lossFloor();
    // 100 a second for 10 s: a send every 10 ms, never 100 ms apart.
    for (let id = 1; id <= 1_000; id += 1) {
      loss.sent(id);
      vi.advanceTimersByTime(10);
    }
    loss.lost();
    const floor = loss.take()!;
    // Sent 2 s before the loss: id 800, to within one checkpoint (100 ms, 10 ids).
    expect(floor).toBeGreaterThanOrEqual(790);
    expect(floor).toBeLessThanOrEqual(800);
  });

  it('keeps the lowest floor of an outage until a resync took it; the next loss starts anew', () => {
    const loss = lossFloor();
    loss.sent(5);
    vi.advanceTimersByTime(LOSS_MARGIN_MS + 1);
    loss.lost();
    loss.sent(6); // a publish that got through between two refusals
    vi.advanceTimersByTime(LOSS_MARGIN_MS + 1);
    loss.lost();
    // The margin counts back from the last send (5, long before): everything below 5 is sure.
    expect(loss.take()).toBe(4);
    // Back to normal: messages go out again, then a new outage.
    loss.sent(7);
    vi.advanceTimersByTime(LOSS_MARGIN_MS + 1);
    loss.lost();
    expect(loss.take()).toBe(6);
  });
});
