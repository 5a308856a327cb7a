import { type Server as HttpServer, createServer } from 'node:http';
import type { Database } from '@minitwit/db';
import {
  type HealthCheck,
  type Logger,
  type ServiceMetrics,
  closeHttpServer,
  guardRequests,
  internalRequestHandler,
  runHealthChecks,
} from '@minitwit/monitoring';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import type { ServerToClientEvents } from '../contract';
import { ioBroadcaster } from '../publish/io-broadcaster';
import { LOSS_MARGIN_MS, lossFloor } from '../publish/loss-floor';
import { PUBLISHER_ALIVE, PUBLISHER_GONE, publisherWatch } from './publisher-presence';
import { registerLocalServer } from '../publish/local-hub';
import { publisherOver } from '../publish/timeline-publisher';
import type { TimelinePublisher } from '../publisher';
import {
  type RedisClient,
  closeRedis,
  connectRedis,
  duplicateRedis,
  pingRedis,
  withSafePublish,
  withSafeSubscriptions,
} from '@minitwit/redis';
import { authenticate } from './auth';
import { coalescingReader, limiter } from './backlog-reader';
import { deliveryLatency } from './delivery-latency';
import { publicHttpHandler } from './http-handler';
import { type RealtimeMetrics, createRealtimeMetrics } from './metrics';
import { slimSocket } from './slim-socket';
import { DEFAULT_HEARTBEAT } from '../heartbeat';
import { SESSION_ENDED, disconnectSessions } from './session-end';
import { SOCKET_LIMITS, eventLimiter, expireSessions, floodGuard, originGuard } from './socket-guards';
import { DEFAULT_SOCKET_CAPS, type SocketCaps, capSockets } from './socket-caps';
import { type SocketCount, localSocketCount } from './socket-count';
import { type Liveness, redisSocketCount } from './socket-count-redis';
import { handleSubscriptions } from './subscribe';
import type { RealtimeIo, RealtimeSocket, SocketData } from './types';
import { viewerCounter } from './viewers';

export interface RealtimeServerOptions {
  db: Database;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Share rooms and events with the other realtime servers and the emitters through Redis. */
  redis?: { url: string; channel?: string } | undefined;
  /** Browser origins allowed cross-origin; same origin only when empty. */
  corsOrigins?: string[];
  /**
   * Make this the server the in-process publisher reaches. Defaults to true
   * without Redis (the one-process setup) and false with it, where writers
   * publish through Redis and a second local route would deliver twice.
   */
  registerInProcess?: boolean;
  /**
   * Attach to this server (the web app's, when everything runs in one
   * process, so the browser connects to its own origin) instead of creating
   * one. Its request listeners must be in place already: Socket.IO takes
   * `/socket.io/` and hands every other request to them. Health and metrics
   * are on `internalServer` either way.
   */
  httpServer?: HttpServer;
  /** How often expired sessions' sockets are disconnected (ms); tests shorten it. */
  sessionSweepMs?: number;
  /** Socket.IO's ping interval and pong timeout (ms); DEFAULT_HEARTBEAT when not given. */
  heartbeat?: { intervalMs: number; timeoutMs: number };
  /** Live sockets per session and per address (DEFAULT_SOCKET_CAPS when not given). */
  socketCaps?: SocketCaps;
  /** How soon the shared socket counts forget a server that died (socket-count-redis.ts); tests shorten it. */
  socketCountLiveness?: Liveness;
}

export interface RealtimeServer {
  /** Not listening yet: the caller picks host and port. Socket.IO, and 404 for anything else. */
  httpServer: HttpServer;
  /**
   * `/healthz` and `/metrics`, for the healthcheck and Prometheus: not
   * listening yet either; the caller puts it on the internal port, which the
   * proxy never routes (REALTIME_INTERNAL_PORT).
   */
  internalServer: HttpServer;
  io: RealtimeIo;
  /** Publishes through this server (and its adapter, so to every server). */
  publisher: TimelinePublisher;
  metrics: RealtimeMetrics;
  close(): Promise<void>;
}

/** Builds a realtime server and its HTTP server from its dependencies; does not listen. */
export async function createRealtimeServer(options: RealtimeServerOptions): Promise<RealtimeServer> {
  const { db, logger } = options;
  const metrics = createRealtimeMetrics(options.metrics);
  const redisClients: RedisClient[] = [];
  const checks: Record<string, HealthCheck> = { database: () => db.ping() };
  options.metrics.trackDatabasePool(() => db.poolStats());

  // Our own server gets its plain routes before Socket.IO attaches: Socket.IO wraps the request
  // listeners it finds and hands them only what is not under /socket.io/. A listener added after
  // it would answer /socket.io/ requests a second time (issue 12: that ended the process).
  const httpServer = options.httpServer ?? createServer(publicHttpHandler());
  // Reads `checks` when asked, so the Redis check added below is in it.
  const internalServer = createServer(
    internalRequestHandler({
      health: () => runHealthChecks(checks, logger),
      registry: options.metrics.registry,
      logger,
    }),
  );
  const io: RealtimeIo = new Server(httpServer, {
    // Websocket only: behind a proxy with several servers, long-polling would need sticky sessions.
    transports: ['websocket'],
    serveClient: false,
    // A vanished server is noticed by its browsers within interval + timeout (realtime/src/heartbeat.ts).
    pingInterval: (options.heartbeat ?? DEFAULT_HEARTBEAT).intervalMs,
    pingTimeout: (options.heartbeat ?? DEFAULT_HEARTBEAT).timeoutMs,
    cors: options.corsOrigins?.length ? { origin: options.corsOrigins, credentials: true } : undefined,
    // A subscribe request is ~100 bytes; anything near this size is abuse and closes that connection.
    maxHttpBufferSize: SOCKET_LIMITS.maxPacketBytes,
    allowRequest: originGuard(options.corsOrigins ?? []),
  });
  // Whatever a request does, it cannot end the process: a listener's error is logged and answered 500.
  guardRequests(httpServer, logger);

  // The live message ids this server delivered and when (a resync after a lost subscription reads from there).
  const loss = lossFloor();
  /** Tells this server's pages to re-read what they may have missed, from above `afterId`, and logs why. */
  const resyncPages = (level: 'info' | 'warn', after: string, afterId: number | undefined) => {
    logger[level](`telling live pages to resync after ${after}`, { sockets: io.engine.clientsCount, afterId });
    io.local.emit('timeline:resync', afterId === undefined ? {} : { afterId });
  };
  // A publisher (api, web) that vanished without closing may have committed writes it never
  // published: this server's pages re-read from the newest id it had delivered a margin before
  // that publisher was last heard (publisher-presence.ts).
  const publishers = publisherWatch((lastHeardAt) =>
    resyncPages('warn', 'a publisher vanished without closing', loss.floorBefore(lastHeardAt - LOSS_MARGIN_MS)),
  );
  // Without Redis there is one server, so its own counts are all the counts there are.
  let socketCount: SocketCount = localSocketCount();
  if (options.redis) {
    try {
      const pub = await connectRedis(options.redis.url, logger, 'adapter-pub');
      redisClients.push(pub);
      // Events published while this server's subscription was down are gone: once it is back,
      // every page on this server re-reads what it missed from the database (timeline:resync),
      // from the newest id this server had delivered before the loss.
      const sub = await duplicateRedis(
        pub,
        logger,
        'adapter-sub',
        () => resyncPages('info', 'a Redis outage', loss.take()),
        () => {
          loss.lost();
          // Publishers this server cannot hear are not silent; they are heard again once it is back.
          publishers.forget();
        },
      );
      redisClients.push(sub);
      io.adapter(
        createAdapter(withSafePublish(pub, logger), withSafeSubscriptions(sub, logger), {
          key: options.redis.channel ?? 'socket.io',
        }),
      );
      options.metrics.trackRedis('adapter-pub', pub);
      options.metrics.trackRedis('adapter-sub', sub);
      checks.redis = () => pingRedis(pub, 1_000);
      socketCount = redisSocketCount(pub, {
        prefix: `${options.redis.channel ?? 'socket.io'}#socket-caps`,
        logger,
        liveness: options.socketCountLiveness,
      });
    } catch (error) {
      publishers.stop();
      await Promise.all(redisClients.map((client) => closeRedis(client, logger)));
      throw error;
    }
  }

  const delivered = new Map<string, { inc(): void }>();
  const latency = deliveryLatency(metrics);
  const countDelivery = (event: keyof ServerToClientEvents, payload?: Parameters<typeof latency.outgoing>[1]) => {
    latency.outgoing(event, payload);
    if (event === 'message:created' && payload && 'id' in payload) loss.sent(payload.id);
    let counter = delivered.get(event);
    if (!counter) {
      counter = metrics.delivered.labels({ event });
      delivered.set(event, counter);
    }
    counter.inc();
  };

  io.use(authenticate(db, logger, metrics));
  io.use(capSockets(socketCount, options.socketCaps ?? DEFAULT_SOCKET_CAPS, logger, metrics));
  const viewers = viewerCounter(metrics);
  const subscribeDeps = {
    db,
    logger,
    metrics,
    viewers,
    readSince: coalescingReader((scope, afterId, limit) => db.timelines.since(scope, afterId, limit)),
    limit: limiter(),
  };
  // Shared listeners: socket.io calls them with the socket as `this`.
  function onDisconnect(this: RealtimeSocket, reason: string) {
    metrics.connectedSockets.dec();
    metrics.disconnects.inc({ reason });
    viewers.leave(this);
  }
  function onReceipt(this: RealtimeSocket, receipt: unknown) {
    latency.receipt(this, receipt as Parameters<typeof latency.receipt>[1]);
  }
  const events = eventLimiter();
  const stopExpiring = expireSessions(io, options.sessionSweepMs ?? 5_000);
  io.on('connection', (socket) => {
    metrics.connectedSockets.inc();
    floodGuard(socket, events);
    // The session is read by now (auth middleware); what is left of the handshake is dead weight.
    slimSocket(socket);
    // Shared listeners, no per-socket closures. Room broadcasts count too: the adapter calls
    // notifyOutgoingListeners for each socket it writes to (socket.io-adapter ≥ 2.5).
    socket.onAnyOutgoing(countDelivery as (event: keyof ServerToClientEvents) => void);
    socket.on('disconnect', onDisconnect);
    socket.on('delivery:receipt', onReceipt);
    handleSubscriptions(socket, subscribeDeps);
  });

  io.on(SESSION_ENDED, (sessionIds) => disconnectSessions(io, sessionIds));
  io.on(PUBLISHER_ALIVE, publishers.alive);
  io.on(PUBLISHER_GONE, publishers.gone);
  const publisher = publisherOver(ioBroadcaster(io, { cluster: Boolean(options.redis) }));
  const unregister = (options.registerInProcess ?? !options.redis) ? registerLocalServer(publisher) : () => {};

  return {
    httpServer,
    internalServer,
    io,
    publisher,
    metrics,
    async close() {
      unregister();
      stopExpiring();
      publishers.stop();
      // io.close drops connections without a disconnect packet, so browsers reconnect to another server.
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => {
        // io.close also closes the HTTP server; one that never listened reports so, which is fine here.
        void io.close(() => resolve());
      });
      await socketCount.close();
      await closeInternal(internalServer);
      await Promise.all(redisClients.map((client) => closeRedis(client, logger)));
      metrics.connectedSockets.set(0);
    },
  };
}

export type { SocketData };

/** Closes the operator server once its scrape in flight is answered; one that never listened is fine. */
function closeInternal(server: HttpServer): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return closeHttpServer(server, 2_000);
}
