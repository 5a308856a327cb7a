import { databaseOptionsFrom, openDatabase } from '@minitwit/db';
import { createLogger, createServiceMetrics, handleShutdown } from '@minitwit/monitoring';
import { createPublisher } from '@minitwit/realtime';
import { closeLimiterRedis, createLimit, openLimiterRedis, pingRedis } from '@minitwit/redis';
import { loadApiEnv } from './config';
import { registrationRule } from './http/registration-limit';
import { listenApi } from './server';

/**
 * The simulator API on its own: `npm run start:api`. With REDIS_URL it
 * publishes every committed write to the realtime servers through Redis.
 */
const env = loadApiEnv();
const logger = createLogger({ service: 'api', level: env.LOG_LEVEL });
const db = await openDatabase({ ...databaseOptionsFrom(env), logger });
const live = await createPublisher({ redisUrl: env.REDIS_URL, channel: env.REDIS_CHANNEL, logger });
const redis = live.redis;
const metrics = createServiceMetrics('api');
if (redis) metrics.trackRedis('publisher', redis);
// Its own connection, as the web app's limits have: counting never waits behind the publisher's queue.
const limiterRedis = env.REDIS_URL ? openLimiterRedis(env.REDIS_URL, logger) : undefined;
const registrationLimit = createLimit(registrationRule(env.API_REGISTRATIONS_PER_ADDRESS_PER_HOUR), {
  sql: db.sql,
  redis: limiterRedis,
  namespace: env.REDIS_CHANNEL,
});
const api = await listenApi(
  {
    db,
    publisher: live.publisher,
    logger,
    metrics,
    simulatorCredentials: env.SIMULATOR_CREDENTIALS,
    registrationLimit,
    trustProxyHops: env.API_TRUST_PROXY_HOPS,
    healthChecks: redis ? { redis: () => pingRedis(redis, 1_000) } : {},
    countsMaxAgeMs: env.API_COUNTS_MAX_AGE_SECONDS * 1_000,
  },
  env.API_HOST,
  env.API_PORT,
  { host: env.API_INTERNAL_HOST, port: env.API_INTERNAL_PORT },
);
logger.info('api listening', {
  url: api.url,
  internal: api.internalUrl,
  database: db.embedded ? 'embedded' : 'postgres',
  redis: Boolean(redis),
});
handleShutdown(logger, [api.close, live.close, () => closeLimiterRedis(limiterRedis), db.close]);
