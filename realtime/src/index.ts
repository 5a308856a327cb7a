export { noopPublisher, type TimelinePublisher } from './publisher';
export { createPublisher, type PublisherHandle, type PublisherOptions } from './publish/create-publisher';
export { inProcessPublisher } from './publish/local-hub';
export { guardRequests } from './server/guard-requests';
export { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from './server/create-server';
export * from './contract';
export { gravatarUrl } from './gravatar';
export { toLiveMessage } from './live-message';
export {
  loadRealtimeConfig,
  parseRealtimeConfig,
  realtimeEnvSchema,
  redisEnvSchema,
  socketCapsFrom,
  type RealtimeConfig,
} from './config';
export { pingRedis } from './redis';
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
