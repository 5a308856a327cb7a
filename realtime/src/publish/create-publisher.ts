import type { Logger } from '@minitwit/monitoring';
import type { TimelinePublisher } from '../publisher';
import { PUBLISHER_OPTIONS, type RedisClient, closeRedis, connectRedis, withSafePublish } from '../redis';
import { emitterBroadcaster } from './emitter-broadcaster';
import { inProcessPublisher } from './local-hub';
import { publisherOver } from './timeline-publisher';

export interface PublisherOptions {
  /** With it, publish through Redis to every realtime server; without, to this process's server. */
  redisUrl?: string | undefined;
  /** Must match the realtime servers' adapter channel (REDIS_CHANNEL). */
  channel?: string;
  logger: Logger;
}

export interface PublisherHandle {
  publisher: TimelinePublisher;
  /** The Redis client behind it, for the owner's health check; absent in-process. */
  redis?: RedisClient;
  close(): Promise<void>;
}

/** The publisher the configuration asks for: what api, web and the flag tool call after each commit. */
export async function createPublisher(options: PublisherOptions): Promise<PublisherHandle> {
  if (!options.redisUrl) {
    return { publisher: inProcessPublisher, async close() {} };
  }
  const redis = await connectRedis(options.redisUrl, options.logger, 'publisher', PUBLISHER_OPTIONS);
  const broadcaster = emitterBroadcaster(withSafePublish(redis, options.logger), options.channel ?? 'socket.io');
  return {
    publisher: publisherOver(broadcaster),
    redis,
    async close() {
      // Graceful when Redis is up, so queued publishes leave before the connection goes.
      await closeRedis(redis, options.logger);
    },
  };
}
