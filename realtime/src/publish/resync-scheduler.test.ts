import { afterEach, describe, expect, it, vi } from 'vitest';
import { RESYNC_RETRY_MS, RESYNC_SPACING_MS, resyncScheduler } from './resync-scheduler';

describe('resyncScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resyncs at once when the connection is restored', () => {
    const resyncAll = vi.fn();
    resyncScheduler(resyncAll).restored();
    expect(resyncAll).toHaveBeenCalledTimes(1);
  });

  it('after a refused publish, waits for Redis to answer one before resyncing, once', () => {
    const resyncAll = vi.fn();
    const scheduler = resyncScheduler(resyncAll);
    scheduler.failed();
    scheduler.failed();
    expect(resyncAll).not.toHaveBeenCalled();
    scheduler.succeeded();
    scheduler.succeeded();
    expect(resyncAll).toHaveBeenCalledTimes(1);
  });

  it('sends a resync still owed after a refusal by itself when no publish follows', () => {
    vi.useFakeTimers();
    const resyncAll = vi.fn();
    const scheduler = resyncScheduler(resyncAll);
    scheduler.failed();
    vi.advanceTimersByTime(RESYNC_RETRY_MS - 1);
    expect(resyncAll).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(resyncAll).toHaveBeenCalledTimes(1);
    // Refused again (Redis still away): owed again, and tried again a retry later.
    scheduler.failed();
    vi.advanceTimersByTime(RESYNC_RETRY_MS);
    expect(resyncAll).toHaveBeenCalledTimes(2);
    scheduler.stop();
  });

  it('flush sends a resync still owed at once, and nothing when none is owed', () => {
    vi.useFakeTimers();
    const resyncAll = vi.fn();
    const scheduler = resyncScheduler(resyncAll);
    scheduler.flush();
    expect(resyncAll).not.toHaveBeenCalled();
    scheduler.failed();
    scheduler.flush();
    expect(resyncAll).toHaveBeenCalledTimes(1);
    // One waiting out the spacing is sent at once too.
    scheduler.restored();
    expect(resyncAll).toHaveBeenCalledTimes(1);
    scheduler.flush();
    expect(resyncAll).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(RESYNC_RETRY_MS * 2);
    expect(resyncAll).toHaveBeenCalledTimes(2);
    scheduler.stop();
  });

  it('never resyncs on success alone', () => {
    const resyncAll = vi.fn();
    const scheduler = resyncScheduler(resyncAll);
    scheduler.succeeded();
    expect(resyncAll).not.toHaveBeenCalled();
  });

  it('spaces resyncs out: one asked for too soon is sent when the spacing ends', () => {
    vi.useFakeTimers();
    const resyncAll = vi.fn();
    const scheduler = resyncScheduler(resyncAll);
    scheduler.restored();
    scheduler.restored();
    scheduler.restored();
    expect(resyncAll).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(RESYNC_SPACING_MS);
    expect(resyncAll).toHaveBeenCalledTimes(2);
    scheduler.stop();
  });

  it('sends nothing after stop', () => {
    vi.useFakeTimers();
    const resyncAll = vi.fn();
    const scheduler = resyncScheduler(resyncAll);
    scheduler.restored();
    scheduler.restored();
    scheduler.stop();
    vi.advanceTimersByTime(RESYNC_SPACING_MS * 2);
    expect(resyncAll).toHaveBeenCalledTimes(1);
  });
});
