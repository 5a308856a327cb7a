/** How long a write's answer waits for Redis to take its publish, at most (the simulator gives up after 0.3 s). */
export const PUBLISH_WAIT_MS = 100;

export interface PublishConfirmations {
  /** A publish was handed to the client at `calledAt` (`performance.now()`). */
  handedOver(calledAt: number): void;
  /** Redis answered (took or refused) the publish handed over at `calledAt`, and so every one before it. */
  answered(calledAt: number): void;
  /**
   * Resolves once Redis has answered every publish handed over so far: true,
   * or false when `waitMs` passed first. It never rejects: a write has
   * committed by then and is answered either way.
   */
  settled(): Promise<boolean>;
  /** Resolves every wait at once (false if unanswered): the publisher is closing. */
  releaseAll(): void;
}

/**
 * Lets a write's answer wait until Redis has taken its publish. Answered
 * first, a write whose replica's host vanished a moment later was
 * acknowledged and never shown live: the publish died with the host, and so
 * did the publisher that would have told pages to resync (issue 18's
 * worker-lost run: 24 of 36 pages missed the same 10 acknowledged messages).
 * Redis answers one connection's commands in order, so the answer to the
 * newest publish covers every one before it.
 */
export function publishConfirmations(waitMs = PUBLISH_WAIT_MS): PublishConfirmations {
  let lastHandedOverAt = Number.NEGATIVE_INFINITY;
  let lastAnsweredAt = Number.NEGATIVE_INFINITY;
  const waiting = new Set<{ upTo: number; done(taken: boolean): void }>();
  return {
    handedOver(calledAt) {
      lastHandedOverAt = Math.max(lastHandedOverAt, calledAt);
    },
    answered(calledAt) {
      lastAnsweredAt = Math.max(lastAnsweredAt, calledAt);
      for (const waiter of waiting) if (waiter.upTo <= calledAt) waiter.done(true);
    },
    settled() {
      const upTo = lastHandedOverAt;
      if (upTo <= lastAnsweredAt) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const waiter = {
          upTo,
          done(taken: boolean) {
            clearTimeout(timer);
            waiting.delete(waiter);
            resolve(taken);
          },
        };
        const timer = setTimeout(() => waiter.done(false), waitMs);
        waiting.add(waiter);
      });
    },
    releaseAll() {
      for (const waiter of waiting) waiter.done(false);
    },
  };
}
