/**
 * Slows down password guessing: each key (a username, a client address) gets
 * a few free failures; after that every failure locks the key for twice as
 * long as the last (1 s, 2 s, 4 s … up to `maxLockMs`), and attempts during a
 * lock are refused without checking the password. Memory per process: with
 * several web replicas an attacker gets each replica's allowance.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  baseLockMs: number;
  maxLockMs: number;
  /** A key with no failure for this long starts over. */
  forgetAfterMs: number;
  /** Bounds memory under a flood of distinct keys. */
  maxKeys: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until any of the keys may try again; 0 when all may. */
  retryAfterMs(keys: readonly string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const entry = this.live(key, now);
      if (entry) wait = Math.max(wait, entry.lockedUntil - now);
    }
    return wait;
  }

  recordFailure(keys: readonly string[]): void {
    const now = this.now();
    for (const key of keys) {
      const entry = this.live(key, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
      entry.failures += 1;
      entry.lastFailure = now;
      const excess = entry.failures - this.policy.freeFailures;
      if (excess >= 0) {
        entry.lockedUntil = now + Math.min(this.policy.baseLockMs * 2 ** excess, this.policy.maxLockMs);
      }
      // Re-inserting keeps the Map in least-recently-failed order for eviction.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    this.evict(now);
  }

  /** A successful sign-in clears its username's record (not the address's: one good account must not unlock guessing at others). */
  recordSuccess(key: string): void {
    this.entries.delete(key);
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.lastFailure > this.policy.forgetAfterMs && now >= entry.lockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private evict(now: number): void {
    if (this.entries.size <= this.policy.maxKeys) return;
    for (const key of [...this.entries.keys()]) {
      this.live(key, now);
      if (this.entries.size <= this.policy.maxKeys) return;
    }
    // Still too many: drop the least recently failed.
    for (const key of this.entries.keys()) {
      this.entries.delete(key);
      if (this.entries.size <= this.policy.maxKeys) return;
    }
  }
}

export const usernameKey = (username: string) => `user:${username}`;
export const addressKey = (address: string) => `addr:${address}`;

/**
 * Usernames are guessed against more slowly than addresses, since many
 * people can share one address (an office, a phone carrier).
 */
export const loginThrottles = {
  username: new LoginThrottle({
    freeFailures: 5,
    baseLockMs: 1_000,
    maxLockMs: 15 * 60_000,
    forgetAfterMs: 15 * 60_000,
    maxKeys: 50_000,
  }),
  address: new LoginThrottle({
    freeFailures: 20,
    baseLockMs: 1_000,
    maxLockMs: 15 * 60_000,
    forgetAfterMs: 15 * 60_000,
    maxKeys: 50_000,
  }),
};
