import { afterEach, describe, expect, it, vi } from 'vitest';
import { publisherWatch } from './publisher-presence';

describe('publisherWatch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports a publisher that went silent, once, with when it was last heard', () => {
    vi.useFakeTimers({ now: 10_000 });
    const vanished = vi.fn();
    const watch = publisherWatch(vanished, 3_000);
    watch.alive('api-1');
    watch.alive('api-2');
    vi.advanceTimersByTime(1_000);
    watch.alive('api-2');
    vi.advanceTimersByTime(2_800);
    // api-1 last heard 3.8 s ago: gone; api-2 2.8 s ago: still there.
    expect(vanished).toHaveBeenCalledTimes(1);
    expect(vanished).toHaveBeenCalledWith(10_000);
    watch.alive('api-2');
    vi.advanceTimersByTime(10_000);
    expect(vanished).toHaveBeenCalledTimes(2);
    expect(vanished).toHaveBeenLastCalledWith(13_800);
    watch.stop();
  });

  it('says nothing for a publisher that closed, or while this server heard no one', () => {
    vi.useFakeTimers();
    const vanished = vi.fn();
    const watch = publisherWatch(vanished, 3_000);
    watch.alive('web-1');
    watch.gone('web-1');
    watch.alive('api-1');
    watch.forget();
    vi.advanceTimersByTime(10_000);
    expect(vanished).not.toHaveBeenCalled();
    watch.stop();
  });

  it('reports publishers that vanished together as one', () => {
    vi.useFakeTimers({ now: 0 });
    const vanished = vi.fn();
    const watch = publisherWatch(vanished, 3_000);
    watch.alive('api-on-node-4');
    vi.advanceTimersByTime(200);
    watch.alive('web-on-node-4');
    vi.advanceTimersByTime(4_000);
    expect(vanished).toHaveBeenCalledTimes(1);
    expect(vanished).toHaveBeenCalledWith(0);
    watch.stop();
  });
});
