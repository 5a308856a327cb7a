import { createClient, type RedisClientType } from 'redis';
import { config } from './config';
import { database } from './database';
import { logger } from './logger';
import { type Limit, type LimitRule, createLimit } from './rate-limit';

/**
 * The web app's limits on failed sign-ins and on registrations (SPEC: the
 * simulator API is not limited by these; it has its own caller and contract).
 *
 * - Failed sign-ins per account: slows guessing one password from many
 *   addresses; short lock, so it is a poor tool for locking someone out.
 * - Failed sign-ins per address: slows guessing many accounts from one place;
 *   generous, since offices and carriers put many people behind one address.
 * - Registrations per address (every attempt) and failed registrations per
 *   username: slows mass sign-ups and probing which names exist.
 */
export const AUTH_RULES = {
  loginPerAccount: { name: 'login-account', points: 10, windowSeconds: 15 * 60, blockSeconds: 5 * 60 },
  loginPerAddress: { name: 'login-address', points: 100, windowSeconds: 60 * 60, blockSeconds: 15 * 60 },
  registerPerAccount: { name: 'register-account', points: 10, windowSeconds: 15 * 60, blockSeconds: 5 * 60 },
  registerPerAddress: {
    name: 'register-address',
    points: config.REGISTRATIONS_PER_ADDRESS_PER_HOUR,
    windowSeconds: 60 * 60,
    blockSeconds: 15 * 60,
  },
} satisfies Record<string, LimitRule>;

export type AuthLimits = { [K in keyof typeof AUTH_RULES]: Limit };

let limits: Promise<AuthLimits> | undefined;
let redisClient: RedisClientType | undefined;

/** The limits, built on first use on this process's database and (with REDIS_URL) its own Redis connection. */
export function authLimits(): Promise<AuthLimits> {
  limits ??= (async () => {
    const db = await database();
    redisClient = config.REDIS_URL ? limiterRedis(config.REDIS_URL) : undefined;
    const build = (rule: LimitRule) =>
      createLimit(rule, { sql: db.sql, redis: redisClient, namespace: config.REDIS_CHANNEL });
    return {
      loginPerAccount: build(AUTH_RULES.loginPerAccount),
      loginPerAddress: build(AUTH_RULES.loginPerAddress),
      registerPerAccount: build(AUTH_RULES.registerPerAccount),
      registerPerAddress: build(AUTH_RULES.registerPerAddress),
    };
  })();
  return limits;
}

/**
 * Connects in the background: until Redis answers (and whenever it is down)
 * the limiter is not "ready" and counts in the database instead, so a Redis
 * outage at start or later never stops sign-ins and never lifts the limits.
 */
function limiterRedis(url: string): RedisClientType {
  const client: RedisClientType = createClient({ url });
  let down = false;
  // Without an `error` listener, a lost connection would crash the process.
  client.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    logger.warn('rate-limit redis unavailable; counting in the database', { error: String(error) });
  });
  client.on('ready', () => (down = false));
  client.connect().catch(() => {});
  return client;
}

/** Closes the limiter's Redis connection, if one was made (adapter-node's shutdown). */
export async function closeAuthLimits(): Promise<void> {
  const client = redisClient;
  limits = undefined;
  redisClient = undefined;
  if (!client?.isOpen) return;
  if (client.isReady) await client.close();
  else client.destroy();
}
