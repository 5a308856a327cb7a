import type { AddressInfo } from 'node:net';
import type { Database } from '@minitwit/db';
import { type Logger, createLogger, createServiceMetrics } from '@minitwit/monitoring';
import { io as connect } from 'socket.io-client';
import { type LiveStatus, type LiveTimeline, createLiveTimeline } from '../client/live-timeline';
import type { LiveMessage, LiveScope } from '../contract';
import { type RealtimeServer, createRealtimeServer } from '../server/create-server';
import type { SocketCaps } from '../server/socket-caps';
import type { Liveness } from '../server/socket-count-redis';

/** Test support: real servers on random ports of 127.0.0.1 and real socket.io clients. */

export const quietLogger = createLogger({ service: 'realtime-test', silent: true });

export interface TestServer {
  server: RealtimeServer;
  url: string;
  port: number;
  /** The operator port's URL: `/healthz` and `/metrics`. */
  internalUrl: string;
  close(): Promise<void>;
}

export async function startTestServer(
  db: Database,
  options: {
    redis?: { url: string; channel: string };
    port?: number;
    sessionSweepMs?: number;
    /** Tests that read the server's log lines pass their own. */
    logger?: Logger;
    socketCaps?: SocketCaps;
    socketCountLiveness?: Liveness;
  } = {},
): Promise<TestServer> {
  const server = await createRealtimeServer({
    db,
    logger: options.logger ?? quietLogger,
    metrics: createServiceMetrics('realtime'),
    redis: options.redis,
    sessionSweepMs: options.sessionSweepMs,
    socketCaps: options.socketCaps,
    socketCountLiveness: options.socketCountLiveness,
  });
  await new Promise<void>((resolve) => server.httpServer.listen(options.port ?? 0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => server.internalServer.listen(0, '127.0.0.1', resolve));
  const { port } = server.httpServer.address() as AddressInfo;
  const internalUrl = `http://127.0.0.1:${(server.internalServer.address() as AddressInfo).port}`;
  return { server, port, url: `http://127.0.0.1:${port}`, internalUrl, close: () => server.close() };
}

/** A page's live timeline, recording everything it is handed. */
export interface Watcher {
  timeline: LiveTimeline;
  received: LiveMessage[];
  removed: number[];
  statuses: LiveStatus[];
  ids(): number[];
  stop(): void;
}

/** Watchers opened by a test file, stopped together after each test. */
export function watcherPool(): { open: typeof watch; stopAll(): void } {
  const watchers: Watcher[] = [];
  return {
    open: (...args) => {
      const watcher = watch(...args);
      watchers.push(watcher);
      return watcher;
    },
    stopAll: () => watchers.splice(0).forEach((watcher) => watcher.stop()),
  };
}

export function watch(
  url: string,
  scope: LiveScope,
  options: { sessionToken?: string; newestId?: number; receiptSampleRate?: number } = {},
): Watcher {
  const received: LiveMessage[] = [];
  const removed: number[] = [];
  const statuses: LiveStatus[] = [];
  const timeline = createLiveTimeline({
    url,
    scope,
    newestId: options.newestId ?? 0,
    onMessages: (messages) => received.push(...messages),
    onRemove: (ids) => removed.push(...ids),
    onStatus: (status) => statuses.push(status),
    ...(options.receiptSampleRate === undefined ? {} : { receiptSampleRate: options.receiptSampleRate }),
    socketOptions: {
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      extraHeaders: options.sessionToken ? { cookie: `session=${encodeURIComponent(options.sessionToken)}` } : {},
    },
  });
  return {
    timeline,
    received,
    removed,
    statuses,
    ids: () => received.map((message) => message.id),
    stop: () => timeline.stop(),
  };
}

/** A bare socket.io client, for speaking the protocol the way a hostile page could. */
export function rawSocket(url: string) {
  return connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const isLive = (watcher: Watcher) => () => watcher.statuses.at(-1) === 'live';

let userCounter = 0;

/** A registered user with a web session, as the web app would have made them. */
export async function createUser(db: Database, name: string) {
  userCounter += 1;
  const username = `${name} ${userCounter}`;
  const user = await db.users.register({
    username,
    email: `${name.toLowerCase()}${userCounter}@example.com`,
    password: 'secret-password',
    password2: 'secret-password',
  });
  const sessionToken = await db.sessions.create(user.id, 60_000);
  return { ...user, sessionToken };
}

/** The id a page rendered now would subscribe with: the newest message anywhere. */
export async function newestIdIn(db: Database): Promise<number> {
  const { messages } = await db.timelines.page({ kind: 'public' }, { limit: 1 });
  return messages[0]?.id ?? 0;
}
