/**
 * The one event contract between the realtime servers, the publishers and the
 * browser client. Browser-safe: types and constants only, no Node imports.
 * Event names are `entity:verb`.
 */
import type { TimelineRequest } from '@minitwit/db';

/**
 * What a page shows: a request of one of the timeline kinds (@minitwit/db's
 * registry). The viewer of a kind that needs one is the socket's signed-in
 * user, never a client-given id.
 */
export type LiveScope = TimelineRequest;

/**
 * A timeline message as browsers see it, in page data and in live events
 * alike (presented by live-message.ts): no email, the gravatar URL instead.
 */
export interface LiveMessage {
  id: number;
  text: string;
  /** Publication time, milliseconds since the epoch (UTC). */
  pubMs: number;
  /**
   * The same time as an ISO string: the shape of the release before, whose open pages sort and
   * show by it and keep receiving events from this release's servers during a rolling deploy
   * (expand, then contract: remove it in the release after). Pages of this release read pubMs,
   * and take events of the release before through `fromWire` (client/wire.ts).
   */
  pubDate?: string;
  author: { id: number; username: string; avatarUrl: string };
  /** The usernames its `@name`s resolved to when it was written: those are links, other `@`s plain text. */
  mentions: string[];
  /**
   * When the write committed (ms since the epoch, the writer's clock), on live
   * events only: servers measure commit→emit from it. Absent in backlogs.
   */
  committedAt?: number;
}

export interface SubscribeRequest {
  scope: LiveScope;
  /** Id of the newest message the page shows (0 when it shows none): the backlog starts after it. */
  afterId: number;
}

export type SubscribeError = 'unauthorized' | 'invalid' | 'unavailable';

export type SubscribeReply =
  | {
      ok: true;
      /** What was missed since `afterId`, oldest first. */
      messages: LiveMessage[];
      /** More was missed than one backlog carries: the page should reload instead of showing a gap. */
      truncated: boolean;
    }
  | { ok: false; error: SubscribeError };

export interface MessagesRemoved {
  ids: number[];
  /** As on LiveMessage: when the flagging committed. */
  committedAt?: number;
}

/**
 * Someone followed or unfollowed someone (issue 22 item 12), sent to the
 * open profile pages of both: each adjusts the count it shows by one. Sent
 * only when the graph changed, so the change is exact.
 */
export interface FollowChanged {
  whoId: number;
  whomId: number;
  following: boolean;
}

/** A browser's report that a live message reached it (sampled; the server times it). */
export interface DeliveryReceipt {
  id: number;
}

export const EVENTS = {
  messageCreated: 'message:created',
  messageRemoved: 'message:removed',
  timelineSubscribe: 'timeline:subscribe',
  deliveryReceipt: 'delivery:receipt',
  timelineResync: 'timeline:resync',
  followChanged: 'follow:changed',
} as const;

export interface ServerToClientEvents {
  'message:created': (message: LiveMessage) => void;
  'message:removed': (removed: MessagesRemoved) => void;
  'follow:changed': (change: FollowChanged) => void;
  /**
   * Live events may have been lost (Redis was away): subscribe again, so the
   * backlog closes the gap. Sent to every socket when a realtime server's or a
   * publisher's Redis connection comes back.
   */
  'timeline:resync': (resync?: TimelineResync) => void;
}

export interface TimelineResync {
  /**
   * Every live event up to this message id went out before the loss; later
   * ones may be lost. The page reads again from here (or from its newest id,
   * if lower): the newest id it shows may have come live after a lost one.
   * Absent: from the newest id shown.
   */
  afterId?: number;
}

export interface ClientToServerEvents {
  'timeline:subscribe': (request: SubscribeRequest, ack: (reply: SubscribeReply) => void) => void;
  'delivery:receipt': (receipt: DeliveryReceipt) => void;
}

/** Share of live messages a browser reports back as received: enough for percentiles, little traffic. */
export const RECEIPT_SAMPLE_RATE = 0.05;

/** At most one receipt per socket this often: the server times no more, and sends beyond it only cost. */
export const RECEIPT_INTERVAL_MS = 1_000;

/**
 * A refused handshake's `connect_error` message when the session or the
 * address already holds as many live sockets as the servers allow; the
 * error's `data` says which (SocketLimitRefusal).
 */
export const SOCKET_LIMIT_ERROR = 'too_many_sockets';

export interface SocketLimitRefusal {
  limit: 'session' | 'address';
}

/**
 * Most messages one backlog reply carries; a longer backlog is read page by
 * page. 500 (~125 KB): a 10 s outage at 50 posts a second is two pages.
 */
export const BACKLOG_LIMIT = 500;
