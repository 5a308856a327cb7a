import type { TimelineMessage } from '@minitwit/db';
import { describe, expect, it } from 'vitest';
import { coalescingReader, limiter } from './backlog-reader';

const deferred = () => {
  let resolve!: (messages: TimelineMessage[]) => void;
  const promise = new Promise<TimelineMessage[]>((yes) => (resolve = yes));
  return { promise, resolve };
};

/** Lets the reader's bookkeeping (promise callbacks) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('coalescingReader', () => {
  it('shares identical reads that wait for a slot, never one that already started', async () => {
    const started: string[] = [];
    const pending: Array<ReturnType<typeof deferred>> = [];
    const reader = coalescingReader((scope, afterId) => {
      started.push(`${scope.kind}>${afterId}`);
      const next = deferred();
      pending.push(next);
      return next.promise;
    }, 1);
    const first = reader({ kind: 'public' }, 5, 10); // starts at once
    const second = reader({ kind: 'public' }, 5, 10); // same key, but the first has started: a read of its own
    const third = reader({ kind: 'public' }, 5, 10); // waits with the second: shared
    const other = reader({ kind: 'public' }, 6, 10);
    expect(started).toEqual(['public>5']);
    pending[0]!.resolve([]);
    await first;
    await settle();
    expect(started).toEqual(['public>5', 'public>5']);
    pending[1]!.resolve([]);
    expect(await second).toBe(await third);
    await settle();
    expect(started).toEqual(['public>5', 'public>5', 'public>6']);
    pending[2]!.resolve([]);
    await other;
  });

  it('runs at most `concurrency` reads at a time and passes failures on', async () => {
    let running = 0;
    let most = 0;
    const reader = coalescingReader(async (_scope, afterId) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      if (afterId === 3) throw new Error('database unavailable');
      return [];
    }, 2);
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((id) => reader({ kind: 'public' }, id, 10)));
    expect(most).toBe(2);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
  });
});

describe('limiter', () => {
  it('runs at most `concurrency` tasks at once, all of them, failures included', async () => {
    const limit = limiter(3);
    let running = 0;
    let most = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          running -= 1;
          if (i === 7) throw new Error('boom');
          return i;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(19);
  });
});
