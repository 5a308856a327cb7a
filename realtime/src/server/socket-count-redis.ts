import { randomUUID } from 'node:crypto';
import type { Logger } from '@minitwit/monitoring';
import type { RedisClient } from '@minitwit/redis';
import { LocalCounts, type SocketCount } from './socket-count';

/**
 * How a shared count forgets a server that died without saying so: each
 * server's counts live in a Redis hash of its own that expires `staleMs`
 * after its last heartbeat (every `staleMs / 3`), and the servers' set drops
 * it at the same age. A killed server's sockets reconnect to the others at
 * once, so for up to `staleMs` they count twice; a page refused meanwhile
 * retries later (client/live-timeline.ts), so the window is a short delay for
 * someone near the cap, never a lockout.
 */
export interface Liveness {
  staleMs: number;
}

export const DEFAULT_LIVENESS: Liveness = { staleMs: 15_000 };

/** A handshake waits at most this for Redis; then this server's own share is all that is checked. */
const REDIS_WAIT_MS = 1_000;

// Redis TIME, not each host's clock: servers on different hosts agree on who is stale.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS: the servers' set, this server's hash. ARGV: staleMs, hash prefix,
 * this server's id, then (field, limit) pairs. Sums each field over the live
 * servers' hashes and, only if every one has room, counts the socket in this
 * server's hash: one script, so handshakes on several servers at once cannot
 * all pass on the same free place. Returns the 1-based pair that was full (0:
 * counted), and whether this server's hash still existed (if not, it expired
 * while the server lived — Redis was away, or the process stalled — and the
 * server writes its whole share again). The other servers' hashes are named
 * from the set, not passed as KEYS: fine on one Redis, not on Redis Cluster.
 */
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
redis.call('ZADD', KEYS[1], now, ARGV[3])
local existed = redis.call('EXISTS', KEYS[2])
local servers = redis.call('ZRANGE', KEYS[1], 0, -1)
for i = 4, #ARGV, 2 do
  local total = 0
  for _, id in ipairs(servers) do
    total = total + tonumber(redis.call('HGET', ARGV[2] .. id, ARGV[i]) or '0')
  end
  if total >= tonumber(ARGV[i + 1]) then return { (i - 2) / 2, existed } end
end
for i = 4, #ARGV, 2 do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return { 0, existed }`;

/** KEYS: this server's hash. ARGV: fields. A field at zero is removed, so the hash holds live keys only. */
const RELEASE = `for i = 1, #ARGV do
  if redis.call('HINCRBY', KEYS[1], ARGV[i], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 0`;

/** KEYS: the servers' set, this server's hash. ARGV: staleMs, this server's id. Returns whether the hash existed. */
const HEARTBEAT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
redis.call('ZADD', KEYS[1], now, ARGV[2])
return redis.call('PEXPIRE', KEYS[2], ARGV[1])`;

/**
 * KEYS: the servers' set, this server's hash. ARGV: staleMs, this server's id,
 * then (field, count) pairs: this server's share, replaced whole from its own
 * memory (the truth) after Redis lost it or a command's fate was unknown.
 */
const REWRITE = `${NOW}
redis.call('DEL', KEYS[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
if #ARGV > 2 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
redis.call('ZADD', KEYS[1], now, ARGV[2])
return 0`;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Live sockets per key over every realtime server sharing `redis` (and
 * `prefix`). Each server also keeps its own share in memory: when Redis
 * cannot answer, a handshake is checked against that share alone (the cap
 * holds per server; refusing everyone because Redis is away would take live
 * timelines down with it), and the share is written back once Redis answers.
 */
export function redisSocketCount(
  redis: RedisClient,
  options: { prefix: string; logger: Logger; liveness?: Liveness },
): SocketCount {
  const { prefix, logger } = options;
  const { staleMs } = options.liveness ?? DEFAULT_LIVENESS;
  const serverId = randomUUID();
  const serversKey = `${prefix}:servers`;
  const hashPrefix = `${prefix}:server:`;
  const ownKey = hashPrefix + serverId;
  const local = new LocalCounts();
  /** Redis may hold something other than `local` (a command failed or its answer never came). */
  let dirty = false;
  let closed = false;
  let warned = false;

  const evaluate = (script: string, keys: string[], args: Array<string | number>) =>
    withTimeout(redis.eval(script, { keys, arguments: args.map(String) }) as Promise<unknown>, REDIS_WAIT_MS);
  const failed = (what: string) => (error: unknown) => {
    dirty = true;
    // Once per outage: while Redis is down every handshake would say it again.
    if (warned) return;
    warned = true;
    logger.warn(`socket caps: ${what} failed; counting this server's sockets alone until Redis answers`, {
      error,
    });
  };

  const rewrite = async () => {
    const pairs = [...local.counts].flat();
    dirty = false;
    await evaluate(REWRITE, [serversKey, ownKey], [staleMs, serverId, ...pairs]);
  };
  const heartbeat = async () => {
    if (closed) return;
    try {
      const existed = await evaluate(HEARTBEAT, [serversKey, ownKey], [staleMs, serverId]);
      if (dirty || (existed === 0 && local.counts.size > 0)) await rewrite();
      if (warned) logger.info('socket caps: Redis answers again; counts are shared again');
      warned = false;
    } catch (error) {
      failed('heartbeat')(error);
    }
  };
  const timer = setInterval(() => void heartbeat(), Math.max(50, Math.floor(staleMs / 3)));
  timer.unref();
  void heartbeat();

  return {
    async acquire(keys) {
      if (keys.length === 0) return undefined;
      try {
        const args = [staleMs, hashPrefix, serverId, ...keys.flatMap((key) => [key.field, key.limit])];
        const [full, existed] = (await evaluate(ACQUIRE, [serversKey, ownKey], args)) as [number, number];
        if (full > 0) return keys[full - 1]!.kind;
        // Counted in Redis into a hash that had expired: the rest of this server's share is missing there.
        if (existed === 0 && local.counts.size > 0) dirty = true;
        local.add(keys);
        return undefined;
      } catch (error) {
        failed('a handshake count')(error);
        const full = local.fits(keys);
        if (!full) local.add(keys);
        return full;
      }
    },
    release(keys) {
      if (closed || keys.length === 0) return;
      local.remove(keys);
      evaluate(
        RELEASE,
        [ownKey],
        keys.map((key) => key.field),
      ).catch(failed('a disconnect count'));
    },
    async close() {
      closed = true;
      clearInterval(timer);
      local.counts.clear();
      // This server's share goes now rather than when it expires: its sockets are about to reconnect elsewhere.
      await withTimeout(Promise.all([redis.del(ownKey), redis.zRem(serversKey, serverId)]), REDIS_WAIT_MS).catch(
        (error: unknown) => logger.warn('socket caps: could not remove this server’s counts', { error }),
      );
    },
  };
}
