export { redisEnvSchema } from './config';
export {
  PUBLISHER_OPTIONS,
  type OnLost,
  type OnRestored,
  type RedisClient,
  closeRedis,
  connectRedis,
  duplicateRedis,
  openRedis,
  pingRedis,
  quickReconnect,
  withSafePublish,
  withSafeSubscriptions,
} from './client';
export {
  type Limit,
  type LimitRule,
  type LimitStores,
  type RememberedKeys,
  createLimit,
  createRemembered,
  retryAfterSeconds,
} from './limits/rate-limit';
export { closeLimiterRedis, openLimiterRedis } from './limits/limiter-redis';
