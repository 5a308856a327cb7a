import { createHash } from 'node:crypto';
import type { Database } from '@minitwit/db';
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';
import { LagTolerantTimeouts } from './lag-tolerant-timeouts';

/**
 * Limits that hold across every replica of a service (the web app's sign-in
 * and sign-up limits, the API's unauthenticated registrations): the counters
 * live in Redis when it is configured, otherwise in the database's
 * `rate_limits` table — and when Redis is down, in that table too
 * (rate-limiter-flexible's insurance limiter), so an outage never lifts them.
 * The counting is rate-limiter-flexible's; this module only picks the rules
 * and the stores. It lives beside the Redis clients it counts on; the web and
 * the api import it (realtime counts nothing with it).
 */
export interface LimitRule {
  /** Part of every stored key, so rules never share counters. */
  name: string;
  /** What a key may use per window; the use that reaches it still goes through, and locks the key. */
  points: number;
  windowSeconds: number;
  /** How long a key that reached its allowance is refused. */
  blockSeconds: number;
}

export interface Limit {
  readonly rule: LimitRule;
  /** Milliseconds until `key` may try again; 0 when it may now. */
  waitMs(key: string): Promise<number>;
  /**
   * Counts one use by `key`, in one atomic step of the store; returns how long
   * it must wait before this one may go ahead (0: it may now). Called before
   * the work it guards, so concurrent uses can never all pass one check.
   */
  count(key: string): Promise<number>;
  /** Hands back one use counted by `count` (work that turned out legitimate, e.g. a successful sign-in). */
  giveBack(key: string): Promise<void>;
  /** Starts `key` over (a successful sign-in clears its account's failures). */
  forget(key: string): Promise<void>;
}

export interface LimitStores {
  sql: Database['sql'];
  /** node-redis client; absent without REDIS_URL. */
  redis?: RedisClientType | undefined;
  /** Prefix of every key: deployments (and test runs) sharing one Redis keep their counters apart. */
  namespace?: string;
}

/**
 * How long a Redis answer may take before the database answers instead: a
 * Redis that hangs must not hold a sign-in for node-redis's 5 s command
 * timeout (one that is down is skipped at once: rejectIfRedisNotReady). Not
 * shorter: each answer the database gives in Redis's place is counted apart
 * from Redis's, so while the two share the work a key can use its allowance
 * once in each; a shorter wait handed so many answers over on a loaded machine
 * that a burst of guesses got well past its allowance (docs/decisions.md,
 * "Sign-in throttling"). Only sign-ins and
 * unauthenticated registrations wait on this; the simulator's calls do not.
 */
const REDIS_TIMEOUT_MS = 1_500;

/** The table rate-limiter-flexible's Postgres store reads and writes (migration ..._rate_limits). */
const TABLE = 'rate_limits';

/**
 * Usernames and addresses never reach a store: a hash keeps the key short
 * (any username fits the 255-character column) and the table free of them.
 */
const hashed = (key: string) => createHash('sha256').update(key).digest('base64url');

/**
 * rate-limiter-flexible's "pool" client type calls `query({ text, values })`
 * and reads `rows` and `rowCount`; the database's own statement runner does
 * that on the app's pool (and on the embedded database's one connection).
 */
function poolOver(sql: Database['sql']) {
  return {
    async query({ text, values }: { text: string; values?: unknown[] }) {
      const rows = await sql(text, values ?? []);
      return { rows, rowCount: rows.length };
    },
  };
}

/** rate-limiter-flexible on the stores: Redis first (when given), the database as its insurance, or the database alone. */
function limiterOn(options: { keyPrefix: string; points: number; duration: number }, stores: LimitStores) {
  const database = new RateLimiterPostgres({
    ...options,
    storeClient: poolOver(stores.sql),
    storeType: 'pool',
    tableName: TABLE,
    tableCreated: true,
  });
  if (!stores.redis) return database;
  const redis = new RateLimiterRedis({
    ...options,
    storeClient: stores.redis,
    useRedisPackage: true,
    // A Redis that is down or reconnecting answers nothing: go to the database at once instead of queueing.
    rejectIfRedisNotReady: true,
  });
  return new LagTolerantTimeouts(redis, database, REDIS_TIMEOUT_MS);
}

const prefixOf = (name: string, stores: LimitStores) => `${stores.namespace ?? 'minitwit'}:limit:${name}`;

export function createLimit(rule: LimitRule, stores: LimitStores): Limit {
  const limiter = limiterOn(
    { keyPrefix: prefixOf(rule.name, stores), points: rule.points, duration: rule.windowSeconds },
    stores,
  );

  return {
    rule,
    async waitMs(key) {
      const state = await limiter.get(hashed(key));
      return state && state.consumedPoints >= rule.points ? Math.max(state.msBeforeNext, 1) : 0;
    },
    async count(key) {
      const id = hashed(key);
      try {
        const state = await limiter.consume(id);
        if (state.consumedPoints < rule.points) return 0;
        // This use was the last of the allowance: it goes through, the key is locked from now on.
        if (state.consumedPoints === rule.points) {
          await limiter.block(id, rule.blockSeconds);
          return 0;
        }
        return Math.max(state.msBeforeNext, 1);
      } catch (refused) {
        // Over the allowance (or locked): the store's answer says for how long.
        if (refused instanceof RateLimiterRes) return Math.max(refused.msBeforeNext, 1);
        throw refused;
      }
    },
    async giveBack(key) {
      await limiter.reward(hashed(key));
    },
    async forget(key) {
      await limiter.delete(hashed(key));
    },
  };
}

/** Keys remembered for a while (the addresses an account signed in from), in the limits' stores. */
export interface RememberedKeys {
  remember(key: string): Promise<void>;
  has(key: string): Promise<boolean>;
}

export function createRemembered(name: string, ttlSeconds: number, stores: LimitStores): RememberedKeys {
  const limiter = limiterOn({ keyPrefix: prefixOf(name, stores), points: 1, duration: ttlSeconds }, stores);
  return {
    async remember(key) {
      await limiter.set(hashed(key), 1, ttlSeconds);
    },
    async has(key) {
      return (await limiter.get(hashed(key))) !== null;
    },
  };
}

/** Seconds for a Retry-After header: whole, and at least 1. */
export const retryAfterSeconds = (waitMs: number) => Math.max(1, Math.ceil(waitMs / 1000));
