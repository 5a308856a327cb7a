import { type Database, databaseOptionsFrom, openDatabase, sharedDatabase } from '@minitwit/db';
import type { Logger, ServiceMetrics } from '@minitwit/monitoring';
import type { AddressInfo } from 'node:net';
import type { RealtimeConfig } from '../config';
import { type RealtimeServer, createRealtimeServer } from './create-server';

export interface RunningRealtime {
  server: RealtimeServer;
  db: Database;
  port: number;
  stop(): Promise<void>;
}

/** Opens the database, builds the server and listens where the config says: `main.ts` and the bench share this. */
export async function startRealtime(
  config: RealtimeConfig,
  logger: Logger,
  metrics: ServiceMetrics,
): Promise<RunningRealtime> {
  const db = await sharedDatabase(() => openDatabase({ ...databaseOptionsFrom(config), logger }));
  const server = await createRealtimeServer({
    db,
    logger,
    metrics,
    redis: config.REDIS_URL ? { url: config.REDIS_URL, channel: config.REDIS_CHANNEL } : undefined,
    corsOrigins: config.REALTIME_CORS_ORIGINS,
    heartbeat: { intervalMs: config.REALTIME_PING_INTERVAL_MS, timeoutMs: config.REALTIME_PING_TIMEOUT_MS },
  });
  await new Promise<void>((resolve, reject) => {
    server.httpServer.once('error', reject);
    server.httpServer.listen(config.REALTIME_PORT, config.REALTIME_HOST, () => resolve());
  });
  const { port } = server.httpServer.address() as AddressInfo;
  logger.info('realtime server listening', {
    host: config.REALTIME_HOST,
    port,
    redis: Boolean(config.REDIS_URL),
    database: db.embedded ? 'embedded' : 'postgres',
  });
  return {
    server,
    db,
    port,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}
