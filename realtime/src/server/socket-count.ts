/** One thing a socket counts against: its web session or its address, with the most it may hold. */
export interface CapKey {
  kind: 'session' | 'address';
  /** Field name in the counts: kind-prefixed, so a session id never meets an address. */
  field: string;
  limit: number;
}

/**
 * Live sockets per key. `acquire` counts a socket against every key at once,
 * or refuses it (nothing is counted) and says which key was full; `release`
 * takes back exactly what an accepted `acquire` counted.
 */
export interface SocketCount {
  acquire(keys: readonly CapKey[]): Promise<CapKey['kind'] | undefined>;
  release(keys: readonly CapKey[]): void;
  close(): Promise<void>;
}

/**
 * This server's own sockets, in memory: the counts for one server (no Redis),
 * and the truth a shared count rebuilds its share from (socket-count-redis.ts).
 */
export class LocalCounts {
  readonly counts = new Map<string, number>();

  /** Whether every key has room, counting the other servers' share too. */
  fits(keys: readonly CapKey[], others: (field: string) => number = () => 0): CapKey['kind'] | undefined {
    for (const key of keys) {
      if ((this.counts.get(key.field) ?? 0) + others(key.field) >= key.limit) return key.kind;
    }
    return undefined;
  }

  add(keys: readonly CapKey[]): void {
    for (const key of keys) this.counts.set(key.field, (this.counts.get(key.field) ?? 0) + 1);
  }

  remove(keys: readonly CapKey[]): void {
    for (const key of keys) {
      const left = (this.counts.get(key.field) ?? 0) - 1;
      // Deleted at zero: a map of every session ever seen would only grow.
      if (left > 0) this.counts.set(key.field, left);
      else this.counts.delete(key.field);
    }
  }
}

/** Counts for one server alone: no Redis, so no other server to share them with. */
export function localSocketCount(): SocketCount {
  const local = new LocalCounts();
  return {
    async acquire(keys) {
      const full = local.fits(keys);
      if (!full) local.add(keys);
      return full;
    },
    release(keys) {
      local.remove(keys);
    },
    async close() {
      local.counts.clear();
    },
  };
}
