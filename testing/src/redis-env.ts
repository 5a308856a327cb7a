import { randomBytes } from 'node:crypto';

/** The Redis that integration tests may use, from REDIS_URL; tests that need it skip loudly without it. */
export const testRedisUrl: string | undefined = process.env.REDIS_URL || undefined;

export function skipWithoutRedis(what: string): boolean {
  if (testRedisUrl) return false;
  console.warn(`SKIPPED: ${what} — REDIS_URL not set`);
  return true;
}

/** A pub/sub channel prefix of its own, so tests running side by side on one Redis never hear each other. */
export const uniqueChannel = (name: string) => `minitwit-test-${name}-${randomBytes(4).toString('hex')}`;
