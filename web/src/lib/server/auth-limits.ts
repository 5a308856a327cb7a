import {
  type Limit,
  type LimitRule,
  type RememberedKeys,
  closeLimiterRedis,
  createLimit,
  createRemembered,
  openLimiterRedis,
} from '@minitwit/redis';
import type { RedisClientType } from 'redis';
import { config } from './config';
import { database } from './database';
import { logger } from './logger';

/**
 * The web app's limits on sign-ins and on registrations (SPEC: the simulator
 * API is not limited by these; it has its own caller and contract). Sign-in
 * attempts are counted before the password is checked (routes/login), so
 * concurrent guesses cannot all pass one check; docs/decisions.md, "Sign-in
 * throttling", says why the keys are these.
 *
 * - Sign-ins per account and address: slows guessing one password from one
 *   place; an attacker elsewhere never spends the owner's allowance.
 * - Sign-ins per account from addresses it never signed in from: slows
 *   guessing one password from many addresses, and cannot lock the owner out
 *   of the places they use.
 * - Sign-ins per address: slows guessing many accounts from one place;
 *   generous, since offices and carriers put many people behind one address.
 *   A successful sign-in gives its use back.
 * - Registrations per address (every attempt) and failed registrations per
 *   username: slows mass sign-ups and probing which names exist.
 */
export const AUTH_RULES = {
  loginPerAccountAndAddress: {
    name: 'login-account-address',
    points: 10,
    windowSeconds: 15 * 60,
    blockSeconds: 5 * 60,
  },
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

/** How long an address an account signed in from stays one of its own. */
export const KNOWN_ADDRESS_DAYS = 30;

export type AuthLimits = { [K in keyof typeof AUTH_RULES]: Limit } & {
  /** `account:<name>|address:<ip>` pairs that signed in successfully. */
  knownAddresses: RememberedKeys;
};

let limits: Promise<AuthLimits> | undefined;
let redisClient: RedisClientType | undefined;

/** The limits, built on first use on this process's database and (with REDIS_URL) its own Redis connection. */
export function authLimits(): Promise<AuthLimits> {
  limits ??= (async () => {
    const db = await database();
    redisClient = config.REDIS_URL ? openLimiterRedis(config.REDIS_URL, logger) : undefined;
    const stores = { sql: db.sql, redis: redisClient, namespace: config.REDIS_CHANNEL };
    const build = (rule: LimitRule) => createLimit(rule, stores);
    return {
      loginPerAccountAndAddress: build(AUTH_RULES.loginPerAccountAndAddress),
      loginPerAccount: build(AUTH_RULES.loginPerAccount),
      loginPerAddress: build(AUTH_RULES.loginPerAddress),
      registerPerAccount: build(AUTH_RULES.registerPerAccount),
      registerPerAddress: build(AUTH_RULES.registerPerAddress),
      knownAddresses: createRemembered('login-known-address', KNOWN_ADDRESS_DAYS * 86_400, stores),
    };
  })();
  return limits;
}

/** Closes the limiter's Redis connection, if one was made (adapter-node's shutdown). */
export async function closeAuthLimits(): Promise<void> {
  const client = redisClient;
  limits = undefined;
  redisClient = undefined;
  await closeLimiterRedis(client);
}
