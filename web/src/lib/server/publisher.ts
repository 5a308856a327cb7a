import { type TimelinePublisher, noopPublisher } from '@minitwit/db';
import { type PublisherHandle, createPublisher } from '@minitwit/realtime';
import { config } from './config';
import { logger } from './logger';

/** Created on first use and kept: with REDIS_URL it holds one Redis connection for the process. */
let handle: Promise<PublisherHandle> | undefined;

function publishing(): Promise<PublisherHandle> {
  handle ??= createPublisher({ redisUrl: config.REDIS_URL, channel: config.REDIS_CHANNEL, logger }).catch(
    (error: unknown) => {
      // Forget the failed attempt so the next write tries again instead of never publishing.
      handle = undefined;
      throw error;
    },
  );
  return handle;
}

/**
 * The one place the web app gets its live-timeline publisher from; every
 * committed post, follow and unfollow is reported through it. Without
 * REDIS_URL it reaches the realtime server in this process (the launcher);
 * with it, every realtime server through Redis.
 *
 * Called after the write has committed, so it never fails the request: when
 * Redis cannot be reached the write stands, open pages miss the event (they
 * catch up on their next reconnect or reload), and the failure is logged.
 */
export async function publisher(): Promise<TimelinePublisher> {
  try {
    return (await publishing()).publisher;
  } catch (error) {
    logger.error('live-timeline publisher unavailable; event not published', { error: describe(error) });
    return noopPublisher;
  }
}

/** Connects the publisher now, so a bad REDIS_URL shows at start rather than on the first post. */
export async function startPublisher(): Promise<void> {
  await publishing();
}

/** The publisher's Redis connection, for the health check; undefined without REDIS_URL or while it cannot connect. */
export async function publisherRedis(): Promise<PublisherHandle['redis']> {
  try {
    return (await publishing()).redis;
  } catch {
    return undefined;
  }
}

/** Closes the publisher's Redis connection, if one was made. */
export async function closePublisher(): Promise<void> {
  const current = handle;
  handle = undefined;
  if (current) await (await current).close();
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
