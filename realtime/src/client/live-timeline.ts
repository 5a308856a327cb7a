import { type ManagerOptions, type Socket, type SocketOptions, io as connect } from 'socket.io-client';
import {
  type ClientToServerEvents,
  type FollowChanged,
  type LiveMessage,
  type LiveScope,
  RECEIPT_INTERVAL_MS,
  RECEIPT_SAMPLE_RATE,
  SOCKET_LIMIT_ERROR,
  type ServerToClientEvents,
  type SubscribeReply,
} from '../contract';
import { LOSS_MARGIN_MS, lossFloor } from '../publish/loss-floor';
import { FeedState } from './feed-state';
import { newestIdOf } from './merge';
import { fromWire } from './wire';

export type LiveStatus =
  | 'connecting'
  /** Subscribed: the backlog is in and new messages arrive as they are written. */
  | 'live'
  /** Connection lost; socket.io-client is reconnecting with backoff and jitter. */
  | 'offline'
  /** More was missed than one backlog carries: reload the page rather than show a gap. */
  | 'stale'
  /** My Timeline without a valid session (signed out, or it expired). */
  | 'unauthorized'
  /**
   * Refused: this session or address holds as many live pages as the servers
   * allow (SOCKET_LIMIT_ERROR). Tried again now and then, so the page goes
   * live once another one closes.
   */
  | 'limited';

export type TimelineSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveTimelineOptions {
  /** Realtime server URL; omitted means the page's own origin (behind the proxy). */
  url?: string;
  scope: LiveScope;
  /** Id of the newest message the page rendered, 0 for an empty page. */
  newestId: number;
  /** Ids already shown, when the page has them (only newer ids can arrive, so this is optional). */
  knownIds?: Iterable<number>;
  /** New messages for the page, oldest first, each exactly once. */
  onMessages(messages: LiveMessage[]): void;
  /** Messages to take off the page (flagged); ids the page does not show are harmless. */
  onRemove(ids: number[]): void;
  /** A follow or unfollow that changes the counts of a profile page (scope `user`). */
  onFollowChanged?(change: FollowChanged): void;
  onStatus?(status: LiveStatus): void;
  /** Overrides for socket.io-client, e.g. `extraHeaders` for a Node test client. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** How long to wait for a subscription reply before trying again. */
  subscribeTimeoutMs?: number;
  /** Share of live messages reported back as received (the servers' commit→browser latency); tests set 1. */
  receiptSampleRate?: number;
  /** A resync is answered after a random delay up to this, so pages do not all read at once. */
  resyncSpreadMs?: number;
}

export interface LiveTimeline {
  socket: TimelineSocket;
  newestId(): number;
  stop(): void;
}

/**
 * Backoff with jitter: socket.io-client doubles from 1 s up to 10 s, each delay ±50%.
 * A handshake that has no answer within 9 s is given up and tried again (socket.io-client
 * waits 20 s). The proxy may hand it to a replica that hangs (its kernel still accepts
 * connections): the proxy gives up on that one after 4 s and passes the handshake on, and
 * its second try can land on a hung replica once more (4 s) before it reaches a live one
 * (infra/nginx/nginx.conf), so the client waits longer than 8 s, or it would drop a
 * handshake just as it succeeds. A handshake through the proxy takes milliseconds; on a
 * slow network a try that times out is retried.
 */
const RECONNECT: Partial<ManagerOptions> = {
  reconnection: true,
  reconnectionDelay: 1_000,
  reconnectionDelayMax: 10_000,
  randomizationFactor: 0.5,
  timeout: 9_000,
};

/**
 * Pages answer a `timeline:resync` within this, at random: the catch-up budget is 2 s after Redis
 * returns. Short on purpose: a server's pages re-read from the same id (the resync's), and reads
 * waiting at the same time in its coalescing reader (server/backlog-reader.ts) are one database read,
 * which also bounds the herd; spread over 0.5 s they met less and the wait alone cost a page up to
 * 0.5 s of its 2 s (docs/decisions.md, "Pages resync after a Redis outage").
 */
const RESYNC_SPREAD_MS = 100;

/**
 * A backlog bigger than one reply (BACKLOG_LIMIT) is read page by page: each
 * reply holds the lowest ids missed, gap-free up to its newest, and the next
 * request continues from there. Requests are spaced so that, with the
 * receipts, a page stays well under the server's per-socket event rate
 * (SOCKET_LIMITS.eventsPerSecond, 10/s), which drops what is over it. Past
 * MAX_BACKLOG_PAGES (× BACKLOG_LIMIT: 25,000 messages) the page gives up and offers a reload.
 */
const BACKLOG_PAGE_SPACING_MS = 200;
const MAX_BACKLOG_PAGES = 50;

/** A page refused at the socket cap asks again at most this far apart. */
const LIMITED_RETRY_MAX_MS = 30_000;

function jittered(baseMs: number, random: () => number = Math.random): number {
  return baseMs * (0.5 + random());
}

/**
 * A page whose realtime server answers but whose database does not (a subscription answered
 * `unavailable`, a handshake refused because the session could not be read) tries again at
 * most this far apart, ±50%. A database failover takes about 10 s (docs/operations.md); doubling
 * up to 10 s instead left pages waiting up to 15 s more for a database that was back (socket
 * pages 16 s not live after the primary's host was lost, multi-host run of 2026-12-06). A try
 * that fails costs the server one fast answer: its pool gives up within 2 s
 * (db/src/fail-fast.ts), and reads that wait together are one read (server/backlog-reader.ts).
 */
export const OUTAGE_RETRY_MAX_MS = 2_000;

/** The wait before try `attempt` (1, 2, …) during a database outage: 0.5-1.5 s, then 1-3 s. */
export function outageRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  return jittered(Math.min(OUTAGE_RETRY_MAX_MS, 500 * 2 ** attempt), random);
}

/**
 * A live timeline for one page: connects, subscribes with the newest id it
 * has (on the first connect and on every reconnect), merges the backlog with
 * live messages and hands the page each new message once, in order.
 */
export function createLiveTimeline(options: LiveTimelineOptions): LiveTimeline {
  const state = new FeedState(options.newestId, options.knownIds);
  const socketOptions: Partial<ManagerOptions & SocketOptions> = {
    ...RECONNECT,
    // Websocket only: several servers sit behind the proxy, and polling would need sticky sessions.
    transports: ['websocket'],
    withCredentials: true,
    ...options.socketOptions,
  };
  const socket: TimelineSocket = options.url ? connect(options.url, socketOptions) : connect(socketOptions);
  const status = (next: LiveStatus) => options.onStatus?.(next);
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let refusals = 0;
  // Each subscription gets a number; replies and timeouts of an older one (an earlier connection,
  // or a subscription a resync replaced) are ignored.
  let generation = 0;
  let lastReceiptAt = Number.NEGATIVE_INFINITY;
  /** The subscription in progress, page after page: the id it started after and the newest id it read. */
  let chain: { start: number; end: number } | undefined;
  /** A resync that came during `chain`: the lowest id it named (Infinity: none). */
  let again: number | undefined;
  /**
   * The page's newest id over the last seconds. Live messages reach a page a little out of id
   * order (each api replica publishes on its own), so when the connection drops (its realtime
   * server stopped in a rolling update) a message below the newest shown may still be on its way,
   * and a read after the reconnect from the newest id would skip it for good. That read starts
   * at the newest id the page had LOSS_MARGIN_MS before the drop instead: the rule the servers
   * apply to their own losses (publish/loss-floor.ts); the page drops what it already shows.
   */
  const recent = lossFloor(LOSS_MARGIN_MS, options.newestId);
  /**
   * Every id up to this one is shown for sure: read from the database, gap-free (the server
   * rendering, or backlogs read on from it), not merely arrived live. The read after a drop never
   * starts below it: after a long backlog read just before a drop, `recent` alone would go back
   * before that backlog, past the ids the page remembers (REMEMBERED_RUNS), and show them twice.
   */
  let readUpTo = options.newestId;
  const show = (fresh: LiveMessage[]) => {
    if (fresh.length === 0) return;
    options.onMessages(fresh);
    recent.sent(state.newestId());
  };

  /**
   * Where to read again after a resync that came during a chain: from its id
   * if that is below where the chain started; else the chain has read that
   * range already, and only what was committed after its last read is left.
   */
  const applyAgain = () => {
    if (again !== undefined && chain) state.resync(again < chain.start ? again : chain.end);
    again = undefined;
  };

  /** `backlogPage`: how many pages of this backlog came before (0 for a new subscription). */
  const subscribe = (backlogPage = 0) => {
    const mine = ++generation;
    clearTimeout(retry);
    const afterId = state.beginSubscribe();
    chain ??= { start: afterId, end: afterId };
    const sentAt = Date.now();
    socket
      .timeout(options.subscribeTimeoutMs ?? 10_000)
      .emit('timeline:subscribe', { scope: options.scope, afterId }, (error: Error | null, reply: SubscribeReply) => {
        if (stopped || mine !== generation) return;
        if (error || !reply.ok) {
          if (!error && !reply.ok && reply.error === 'unauthorized') {
            state.abortSubscribe();
            return status('unauthorized');
          }
          // The server or its database hiccuped: try again on the same connection, backing off.
          // The socket may be in its rooms already: live messages keep waiting in the buffer for
          // the retry's backlog (shown now, they would carry the newest id past that backlog, and
          // the retry would read after them: a gap; docs/decisions.md, "No gaps").
          attempt += 1;
          retry = setTimeout(() => subscribe(), outageRetryDelayMs(attempt));
          return;
        }
        attempt = 0;
        // Read on from what was settled: the reply holds every id after afterId up to its newest.
        if (afterId <= readUpTo)
          readUpTo = newestIdOf(
            reply.messages.map((message) => message.id),
            readUpTo,
          );
        const more = reply.truncated && backlogPage + 1 < MAX_BACKLOG_PAGES;
        show(state.completeSubscribe(reply.messages.map(fromWire), more));
        if (chain) for (const message of reply.messages) chain.end = Math.max(chain.end, message.id);
        if (more) {
          retry = setTimeout(() => subscribe(backlogPage + 1), sentAt + BACKLOG_PAGE_SPACING_MS - Date.now());
          return;
        }
        if (again !== undefined) {
          // A resync came meanwhile: one more read, at once, from where it says.
          applyAgain();
          chain = undefined;
          retry = setTimeout(() => subscribe(), BACKLOG_PAGE_SPACING_MS - (Date.now() - sentAt));
          return;
        }
        chain = undefined;
        status(reply.truncated ? 'stale' : 'live');
      });
  };

  socket.on('connect', () => {
    refusals = 0;
    subscribe();
  });
  socket.on('disconnect', (reason) => {
    generation += 1;
    clearTimeout(retry);
    state.abortSubscribe();
    // The subscription after the reconnect starts where this one would have gone on, and no
    // higher than the page's newest id of a moment ago (`recent`), nor below what it read.
    applyAgain();
    // Counted back from the last message shown, not from now (loss-floor.ts): a server whose host
    // vanished is noticed only when the heartbeat runs out, seconds later.
    recent.lost();
    const floor = recent.take();
    if (floor !== undefined) state.resync(Math.max(readUpTo, floor));
    chain = undefined;
    if (stopped) return;
    status('offline');
    // socket.io-client does not reconnect after a server-side disconnect; this page still wants its timeline.
    if (reason === 'io server disconnect') retry = setTimeout(() => socket.connect(), jittered(1_000));
  });
  socket.on('connect_error', (error) => {
    if (stopped) return;
    if (error.message === SOCKET_LIMIT_ERROR) {
      // Not an outage: nothing changes until one of the other pages closes, so ask seldom.
      refusals += 1;
      clearTimeout(retry);
      retry = setTimeout(() => socket.connect(), jittered(Math.min(LIMITED_RETRY_MAX_MS, 2_500 * 2 ** refusals)));
      return status('limited');
    }
    status('offline');
    // Refused by the server (its handshake could not read the session: the database is down) rather
    // than unreachable: socket.io-client gives up on those, so back off and try again ourselves.
    if (!socket.active) {
      refusals += 1;
      clearTimeout(retry);
      retry = setTimeout(() => socket.connect(), outageRetryDelayMs(refusals));
    }
  });
  socket.on('timeline:resync', (resync) => {
    // Live events were lost somewhere (Redis was away): read the gap again, spread out so a
    // server's pages do not all hit the database in the same millisecond.
    if (stopped) return;
    const afterId = typeof resync?.afterId === 'number' ? resync.afterId : undefined;
    // A subscription in progress is not cut short (its reply would be wasted): one more read follows it.
    if (chain) {
      again = Math.min(again ?? Number.POSITIVE_INFINITY, afterId ?? Number.POSITIVE_INFINITY);
      return;
    }
    // Even offline: the read after the reconnect must start below the loss too.
    state.resync(afterId);
    if (!socket.connected) return;
    clearTimeout(retry);
    retry = setTimeout(() => subscribe(), Math.random() * (options.resyncSpreadMs ?? RESYNC_SPREAD_MS));
  });
  const receiptSampleRate = options.receiptSampleRate ?? RECEIPT_SAMPLE_RATE;
  socket.on('message:created', (message) => {
    // Sampled, and at most one a RECEIPT_INTERVAL_MS (all the server counts): at a high message rate a
    // sample alone would pass the server's per-socket event rate, which drops the excess — a
    // subscription among it — and disconnects a socket that keeps going over it.
    const now = Date.now();
    if (
      message.committedAt !== undefined &&
      now - lastReceiptAt >= RECEIPT_INTERVAL_MS &&
      Math.random() < receiptSampleRate
    ) {
      lastReceiptAt = now;
      socket.emit('delivery:receipt', { id: message.id });
    }
    show(state.live(fromWire(message)));
  });
  socket.on('message:removed', ({ ids }) => {
    options.onRemove(state.remove(ids));
  });
  socket.on('follow:changed', (change) => options.onFollowChanged?.(change));

  status('connecting');
  return {
    socket,
    newestId: () => state.newestId(),
    stop() {
      stopped = true;
      clearTimeout(retry);
      socket.disconnect();
    },
  };
}
