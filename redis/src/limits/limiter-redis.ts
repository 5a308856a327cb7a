import type { Logger } from '@minitwit/monitoring';
import { type RedisClientType, createClient } from 'redis';

/**
 * The Redis connection a service's limits count on (createLimit's `redis`).
 * It connects in the background: until Redis answers (and whenever it is
 * down) the limiter is not "ready" and counts in the database instead, so a
 * Redis outage at start or later never stops sign-ins or registrations and
 * never lifts the limits.
 */
export function openLimiterRedis(url: string, logger: Logger): RedisClientType {
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

/** Closes a limiter connection: gracefully when Redis is there, at once when it is not. */
export async function closeLimiterRedis(client: RedisClientType | undefined): Promise<void> {
  if (!client?.isOpen) return;
  if (client.isReady) await client.close();
  else client.destroy();
}
