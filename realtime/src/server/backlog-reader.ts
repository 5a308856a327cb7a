import type { TimelineMessage, TimelineScope } from '@minitwit/db';

export type ReadSince = (scope: TimelineScope, afterId: number, limit: number) => Promise<TimelineMessage[]>;

/** Backlog reads one realtime server runs at a time; the rest wait (and can be shared while they wait). */
export const BACKLOG_READ_CONCURRENCY = 4;

interface Batch {
  key: string;
  args: Parameters<ReadSince>;
  promise: Promise<TimelineMessage[]>;
  resolve(messages: TimelineMessage[]): void;
  reject(error: unknown): void;
}

/**
 * Absorbs the herd when a server dies and its pages all subscribe again at
 * once — mostly with the same scope and the same newest id. Identical reads
 * that have not started yet are one read; at most BACKLOG_READ_CONCURRENCY
 * run at a time, so the pool is not flooded past its acquire timeout (which
 * would fail subscriptions and push pages into backoff). A read is only
 * shared before it starts: a page's backlog must be read after it joined its
 * rooms (subscribe.ts), and a waiting read starts after every page that
 * joined it has.
 */
export function coalescingReader(read: ReadSince, concurrency = BACKLOG_READ_CONCURRENCY): ReadSince {
  const waiting = new Map<string, Batch>();
  const queue: Batch[] = [];
  let active = 0;
  const pump = () => {
    while (active < concurrency && queue.length > 0) {
      const batch = queue.shift()!;
      waiting.delete(batch.key);
      active += 1;
      read(...batch.args)
        .then(batch.resolve, batch.reject)
        .finally(() => {
          active -= 1;
          pump();
        });
    }
  };
  return (scope, afterId, limit) => {
    const key = JSON.stringify([scope, afterId, limit]);
    let batch = waiting.get(key);
    if (!batch) {
      let resolve!: Batch['resolve'];
      let reject!: Batch['reject'];
      const promise = new Promise<TimelineMessage[]>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      batch = { key, args: [scope, afterId, limit], promise, resolve, reject };
      waiting.set(key, batch);
      queue.push(batch);
      pump();
    }
    return batch.promise;
  };
}

/** Subscriptions one realtime server works on at once (each reads the database a few times). */
export const SUBSCRIBE_CONCURRENCY = 8;

/**
 * Runs at most `concurrency` tasks at a time, the rest in arrival order. After
 * a server dies, its pages' subscriptions wait here — without a deadline —
 * instead of in the database pool, whose 2 s acquire timeout would fail them.
 */
export function limiter(concurrency = SUBSCRIBE_CONCURRENCY): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  // A finished task hands its slot straight to the next waiting one.
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active -= 1;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolve) => queue.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
