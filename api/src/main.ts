import { databaseOptionsFrom, openDatabase } from '@minitwit/db';
import { createLogger, createServiceMetrics, handleShutdown } from '@minitwit/monitoring';
import { noopPublisher } from '@minitwit/realtime';
import { loadApiEnv } from './config';
import { listenApi } from './server';

/** The simulator API on its own: `npm run start:api`. */
const env = loadApiEnv();
const logger = createLogger({ service: 'api', level: env.LOG_LEVEL });
const db = await openDatabase(databaseOptionsFrom(env));
const api = await listenApi(
  {
    db,
    publisher: noopPublisher,
    logger,
    metrics: createServiceMetrics('api'),
    simulatorCredentials: env.SIMULATOR_CREDENTIALS,
  },
  env.API_HOST,
  env.API_PORT,
);
logger.info('api listening', { url: api.url, database: db.embedded ? 'embedded' : 'postgres' });
handleShutdown(logger, [api.close, db.close]);
