import { databaseOptionsFrom, openDatabase, provideDatabase } from '@minitwit/db';
import { createLogger, createServiceMetrics, handleShutdown } from '@minitwit/monitoring';
import { listenApi, loadApiEnv } from '@minitwit/api';
import { noopPublisher } from '@minitwit/realtime';

/**
 * `npm start`: the whole of MiniTwit in one process on the embedded defaults
 * (PGlite under DATA_DIR, in-process fan-out), or on PostgreSQL/Redis when
 * DATABASE_URL/REDIS_URL are set. One database instance serves every part.
 */
const env = loadApiEnv();
const logger = createLogger({ service: 'minitwit', level: env.LOG_LEVEL });
const db = await openDatabase(databaseOptionsFrom(env));
provideDatabase(db);

const api = await listenApi(
  {
    db,
    publisher: noopPublisher,
    logger: logger.child({ service: 'api' }),
    metrics: createServiceMetrics('api'),
    simulatorCredentials: env.SIMULATOR_CREDENTIALS,
  },
  env.API_HOST,
  env.API_PORT,
);
logger.info('api listening', { url: api.url, database: db.embedded ? `embedded (${env.DATA_DIR})` : 'postgres' });

handleShutdown(logger, [api.close, db.close]);
