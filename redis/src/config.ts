import { optionalUrl } from '@minitwit/db';
import { z } from 'zod';

/** Redis, for every process that publishes to or serves live timelines, or counts limits in it. */
export const redisEnvSchema = z.object({
  /** Without it, everything runs in one process through the in-process publisher. */
  REDIS_URL: optionalUrl(/^rediss?:\/\//, 'must be a redis:// URL'),
  /** Pub/sub channel prefix shared by the adapter and every emitter; the socket.io default. */
  REDIS_CHANNEL: z.string().min(1).default('socket.io'),
});
