import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { databaseRegistrationLimit, listenApi, loadApiEnv } from '@minitwit/api';
import { databaseOptionsFrom, openDatabase, provideDatabase } from '@minitwit/db';
import {
  closeHttpServer,
  createLogger,
  createServiceMetrics,
  handleShutdown,
  trackInFlight,
} from '@minitwit/monitoring';
import { createPublisher, createRealtimeServer, loadRealtimeConfig, socketCapsFrom } from '@minitwit/realtime';
import { pingRedis } from '@minitwit/redis';
import { exportOriginForWeb, loadLauncherEnv } from './config';
import { applySecurityHeaders } from '../../web/src/lib/security-headers';
import { loadWebHandler } from './web-handler';

/**
 * `npm start`: the whole of MiniTwit in one process — web app and its live
 * timelines on one origin (127.0.0.1:3000), simulator API on 127.0.0.1:5001,
 * each part's `/healthz` and `/metrics` on its own internal port (web 9310,
 * api 9311, realtime 9312: WEB_/API_/REALTIME_INTERNAL_PORT) —
 * on the embedded defaults (PGlite under DATA_DIR, in-process fan-out), or on
 * PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set. One database
 * instance serves every part.
 */
const launcher = loadLauncherEnv();
const apiEnv = loadApiEnv();
const realtimeEnv = loadRealtimeConfig();
const logger = createLogger({ service: 'minitwit', level: launcher.LOG_LEVEL });

const db = await openDatabase({ ...databaseOptionsFrom(apiEnv), logger });
provideDatabase(db);

// With Redis, every write goes out through it (as from separate processes); without, to the server below.
const live = await createPublisher({ redisUrl: realtimeEnv.REDIS_URL, channel: realtimeEnv.REDIS_CHANNEL, logger });

exportOriginForWeb(launcher.ORIGIN);
const web = createServer(await loadWebHandler());
const webRequests = trackInFlight(web);
// The security headers on every answer, the static files under /_app/ included.
applySecurityHeaders(web);
// Attached after the web handler: Socket.IO takes /socket.io/ and passes every other request on.
const realtime = await createRealtimeServer({
  db,
  logger: logger.child({ service: 'realtime' }),
  metrics: createServiceMetrics('realtime'),
  redis: realtimeEnv.REDIS_URL ? { url: realtimeEnv.REDIS_URL, channel: realtimeEnv.REDIS_CHANNEL } : undefined,
  httpServer: web,
  socketCaps: socketCapsFrom(realtimeEnv),
});
await new Promise<void>((resolve, reject) => {
  web.once('error', reject);
  web.listen(launcher.WEB_PORT, launcher.WEB_HOST, () => resolve());
});
const webPort = (web.address() as AddressInfo).port;
// The live timelines share the web app's public server; their health and metrics have a port of their own.
await new Promise<void>((resolve, reject) => {
  realtime.internalServer.once('error', reject);
  realtime.internalServer.listen(realtimeEnv.REALTIME_INTERNAL_PORT, realtimeEnv.REALTIME_INTERNAL_HOST, () =>
    resolve(),
  );
});

const redis = live.redis;
const api = await listenApi(
  {
    db,
    publisher: live.publisher,
    logger: logger.child({ service: 'api' }),
    metrics: createServiceMetrics('api'),
    simulatorCredentials: apiEnv.SIMULATOR_CREDENTIALS,
    // One process: the database it shares with any other process on it is store enough.
    registrationLimit: databaseRegistrationLimit(db, apiEnv.API_REGISTRATIONS_PER_ADDRESS_PER_HOUR),
    trustProxyHops: apiEnv.API_TRUST_PROXY_HOPS,
    healthChecks: redis ? { redis: () => pingRedis(redis, 1_000) } : {},
    countsMaxAgeMs: apiEnv.API_COUNTS_MAX_AGE_SECONDS * 1_000,
  },
  apiEnv.API_HOST,
  apiEnv.API_PORT,
  { host: apiEnv.API_INTERNAL_HOST, port: apiEnv.API_INTERNAL_PORT },
);

logger.info('minitwit started', {
  web: `http://${launcher.WEB_HOST}:${webPort}`,
  api: api.url,
  apiInternal: api.internalUrl,
  realtimeInternal: `http://${realtimeEnv.REALTIME_INTERNAL_HOST}:${(realtime.internalServer.address() as AddressInfo).port}`,
  database: db.embedded ? `embedded (${apiEnv.DATA_DIR})` : 'postgres',
  fanout: redis ? 'redis' : 'in-process',
});

/** The web app closes its own publisher (Redis) on adapter-node's shutdown event, which only its own server emits. */
const closeWeb = async () => {
  (process as NodeJS.EventEmitter).emit('sveltekit:shutdown', 'SIGTERM');
};

/**
 * Web pages and form posts in flight finish before the live sockets on the same server
 * are closed (realtime.close drops every connection of that server, and the browsers
 * reconnect): stop accepting, wait for in-flight requests, then close the rest.
 */
const drainWeb = async () => {
  // Resolves only once the live sockets are closed too (below); what matters here is the requests.
  closeHttpServer(web).catch((error: unknown) => logger.warn('closing the web server', { error }));
  await webRequests.drained();
};

handleShutdown(logger, [
  () => Promise.all([api.close(), drainWeb()]).then(() => undefined),
  realtime.close,
  closeWeb,
  live.close,
  db.close,
]);
