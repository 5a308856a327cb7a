import { type Database, databaseOptionsFrom, openDatabase, sharedDatabase } from '@minitwit/db';
import type { Logger, ServiceMetrics } from '@minitwit/monitoring';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RealtimeConfig, socketCapsFrom } from '../config';
import { type RealtimeServer, createRealtimeServer } from './create-server';

export interface RunningRealtime {
  server: RealtimeServer;
  db: Database;
  port: number;
  /** The operator port (`/healthz`, `/metrics`). */
  internalPort: number;
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
    socketCaps: socketCapsFrom(config),
  });
  const port = await listen(server.httpServer, config.REALTIME_PORT, config.REALTIME_HOST);
  const internalPort = await listen(
    server.internalServer,
    config.REALTIME_INTERNAL_PORT,
    config.REALTIME_INTERNAL_HOST,
  );
  logger.info('realtime server listening', {
    host: config.REALTIME_HOST,
    port,
    internalHost: config.REALTIME_INTERNAL_HOST,
    internalPort,
    redis: Boolean(config.REDIS_URL),
    database: db.embedded ? 'embedded' : 'postgres',
  });
  return {
    server,
    db,
    port,
    internalPort,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}

/** Listens on host:port (0 picks a free one); resolves with the port bound. */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
