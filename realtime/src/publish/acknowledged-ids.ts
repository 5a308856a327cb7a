import { performance } from 'node:perf_hooks';

/** Ids kept waiting for Redis's answer at most; past it the oldest is dropped (never counted as sent). */
const MAX_WAITING = 10_000;

export interface AcknowledgedIds {
  /** A message's publish was just handed to the client. */
  published(id: number): void;
  /** Redis answered the publish handed over at `calledAt` (and so every one before it). */
  acknowledged(calledAt: number): void;
  /** The publish handed over at `calledAt` failed: the ones before it are gone too. */
  refused(calledAt: number): void;
}

/**
 * Which published message ids Redis has taken, in publish order. A publisher
 * counted an id as gone out when it handed the publish to its client; to a
 * Redis whose host vanished, nothing fails until the kernel gives up on the
 * connection (seconds later), so the resync floor, "the newest id that went
 * out 2 s before the loss", lay after ids that never reached anyone, and pages
 * never read them (the multi-host run: hundreds missing per page). Redis
 * answers a connection's commands in order, so its answer to one publish
 * covers every id handed over before it. Times are `performance.now()`.
 */
export function acknowledgedIds(onAcknowledged: (id: number) => void): AcknowledgedIds {
  const waiting: Array<{ id: number; at: number }> = [];
  const settle = (calledAt: number, taken: boolean) => {
    while (waiting.length > 0 && waiting[0]!.at <= calledAt) {
      const { id } = waiting.shift()!;
      if (taken) onAcknowledged(id);
    }
  };
  return {
    published(id) {
      if (waiting.length >= MAX_WAITING) waiting.shift();
      waiting.push({ id, at: performance.now() });
    },
    acknowledged: (calledAt) => settle(calledAt, true),
    refused: (calledAt) => settle(calledAt, false),
  };
}
