import { type Database, type TimelineScope, kindNamed } from '@minitwit/db';
import { type LiveScope, type LiveStatus, createLiveTimeline } from '@minitwit/realtime/client';

/**
 * Open live pages as a browser holds them: the real live-timeline client over
 * a real Socket.IO connection, recording when each message reached the page
 * and every status change, so a test can check "exactly the database's
 * messages" and measure catch-up and reconnect times.
 */
export interface LivePage {
  scope: LiveScope;
  /** For `home`: whose My Timeline it is. */
  viewerId?: number;
  /** The newest id the page was rendered with: it should end with every later message of its scope. */
  startId: number;
  /**
   * The id of every message handed to the page, in order (duplicates would show here). Ids only: a
   * thousand pages keeping every message object alive kept the test's heap and its GC busy, in the
   * same event loop that measures their reconnects.
   */
  received: number[];
  /** Arrival time (Date.now()) of each id. */
  arrivedAt: Map<number, number>;
  /**
   * With `timeTexts`: each message's text and when it first arrived, in arrival order, for timing
   * a delivery against its write's answer where the writer knows its texts but not their ids.
   */
  textsArrived?: Array<[string, number]>;
  statuses: Array<{ status: LiveStatus; at: number }>;
  /** Each hand-over of messages to the page (a backlog reply, a live message): a catch-up's steps. */
  batches: Array<{ at: number; count: number }>;
  /** When the server told the page to read again (`timeline:resync`, after a Redis outage). */
  resyncs: number[];
  /** When its socket (re)connected (Date.now()): a reconnect splits into reaching a server and catching up. */
  connectedAt: number[];
  /**
   * socket.io-client's reconnect attempts, their errors and each `open` (the transport's handshake
   * answered, before Socket.IO's own connect), with times: why reaching a server took long.
   */
  attempts: Array<{ event: string; at: number }>;
  stop(): void;
}

export interface PageSpec {
  url: string;
  scope: LiveScope;
  startId: number;
  viewerId?: number;
  sessionToken?: string;
  /**
   * socket.io-client's reconnection timing. Omitted: the product's own
   * (1 s doubling to 10 s, ±50 %), as in a browser.
   */
  reconnection?: { delayMs: number; maxMs: number };
  /**
   * Record only messages by authors whose name starts with this: where others post to the same
   * timeline meanwhile (a deploy's smoke checks), the page's count is checked against this run's.
   */
  authorsStartingWith?: string;
  /** Record `textsArrived`. */
  timeTexts?: boolean;
}

export function openPage(spec: PageSpec): LivePage {
  const received: number[] = [];
  const arrivedAt = new Map<number, number>();
  const statuses: LivePage['statuses'] = [];
  const batches: LivePage['batches'] = [];
  const textsArrived: Array<[string, number]> | undefined = spec.timeTexts ? [] : undefined;
  const timeline = createLiveTimeline({
    url: spec.url,
    scope: spec.scope,
    newestId: spec.startId,
    onMessages: (messages) => {
      const now = Date.now();
      batches.push({ at: now, count: messages.length });
      for (const message of messages) {
        if (spec.authorsStartingWith && !message.author.username.startsWith(spec.authorsStartingWith)) continue;
        received.push(message.id);
        if (arrivedAt.has(message.id)) continue;
        arrivedAt.set(message.id, now);
        textsArrived?.push([message.text, now]);
      }
    },
    onRemove: () => {},
    onStatus: (status) => statuses.push({ status, at: Date.now() }),
    socketOptions: {
      // One connection per page, as separate browser tabs have.
      forceNew: true,
      ...(spec.reconnection
        ? { reconnectionDelay: spec.reconnection.delayMs, reconnectionDelayMax: spec.reconnection.maxMs }
        : {}),
      extraHeaders: spec.sessionToken ? { cookie: `session=${encodeURIComponent(spec.sessionToken)}` } : {},
    },
  });
  const connectedAt: number[] = [];
  timeline.socket.on('connect', () => connectedAt.push(Date.now()));
  const attempts: LivePage['attempts'] = [];
  const resyncs: number[] = [];
  timeline.socket.on('timeline:resync', () => resyncs.push(Date.now()));
  timeline.socket.io.on('reconnect_attempt', (n) => attempts.push({ event: `attempt ${n}`, at: Date.now() }));
  timeline.socket.io.on('open', () => attempts.push({ event: 'open', at: Date.now() }));
  timeline.socket.io.on('reconnect_error', (error) =>
    attempts.push({ event: `error (${error.message})`, at: Date.now() }),
  );
  return {
    scope: spec.scope,
    viewerId: spec.viewerId,
    startId: spec.startId,
    received,
    arrivedAt,
    ...(textsArrived ? { textsArrived } : {}),
    statuses,
    batches,
    resyncs,
    connectedAt,
    attempts,
    stop: () => timeline.stop(),
  };
}

export const isLive = (page: Pick<LivePage, 'statuses'>) => page.statuses.at(-1)?.status === 'live';

/** What says which messages a page should show: a LivePage, a PageSpec or a page host's record. */
export type PageScope = Pick<LivePage, 'scope' | 'viewerId' | 'startId'>;

/** The database's scope for a page (a kind that needs a viewer gets the page's). */
export function dbScope(page: PageScope): TimelineScope {
  const kind = kindNamed(page.scope.kind);
  return kind.scopeFor(page.scope, kind.needsViewer ? page.viewerId! : null);
}

/** What the page should show by now: every visible message of its scope after its start id, from the database. */
export async function expectedIds(db: Database, page: PageScope): Promise<number[]> {
  const messages = await db.timelines.since(dbScope(page), page.startId, 1_000_000);
  return messages.map((message) => message.id);
}

/** expectedIds for many pages: one query per distinct scope and start, one at a time (the test's pool is small). */
export async function expectedIdsOfAll(db: Database, pages: readonly PageScope[]): Promise<number[][]> {
  const byScope = new Map<string, number[]>();
  const all: number[][] = [];
  for (const page of pages) {
    const key = JSON.stringify([dbScope(page), page.startId]);
    let ids = byScope.get(key);
    if (!ids) {
      ids = await expectedIds(db, page);
      byScope.set(key, ids);
    }
    all.push(ids);
  }
  return all;
}

export interface PageCheck {
  missing: number;
  duplicates: number;
  /** Shown but not in the database's timeline for the scope (never written, or not this scope's). */
  unexpected: number;
}

/** Compares what a page shows with what the database holds for its scope. */
export function comparePage(page: Pick<LivePage, 'received'>, expected: readonly number[]): PageCheck {
  const shown = page.received;
  const shownSet = new Set(shown);
  const expectedSet = new Set(expected);
  return {
    missing: expected.filter((id) => !shownSet.has(id)).length,
    duplicates: shown.length - shownSet.size,
    unexpected: [...shownSet].filter((id) => !expectedSet.has(id)).length,
  };
}

/** Sums page checks over many pages. */
export function totals(checks: readonly PageCheck[]): PageCheck {
  return checks.reduce(
    (sum, check) => ({
      missing: sum.missing + check.missing,
      duplicates: sum.duplicates + check.duplicates,
      unexpected: sum.unexpected + check.unexpected,
    }),
    { missing: 0, duplicates: 0, unexpected: 0 },
  );
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Nearest-rank percentile of a list of numbers (p in 0..100); NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The ids a page lacks, as ranges ("120–257, 301"), at most `max` of them: where a gap is says what caused it. */
export function missingRanges(page: Pick<LivePage, 'received'>, expected: readonly number[], max = 5): string {
  const shown = new Set(page.received);
  const ranges: Array<[number, number]> = [];
  let count = 0;
  let previousMissing = false;
  for (const id of expected) {
    if (shown.has(id)) {
      previousMissing = false;
      continue;
    }
    count += 1;
    // `expected` is the scope's ids in order: a run of them missing is one range.
    if (previousMissing) ranges.at(-1)![1] = id;
    else ranges.push([id, id]);
    previousMissing = true;
  }
  if (count === 0) return 'none';
  const text = ranges.slice(0, max).map(([from, to]) => (from === to ? `${from}` : `${from}–${to}`));
  return `${count} (${text.join(', ')}${ranges.length > max ? `, … ${ranges.length} ranges` : ''})`;
}

/** A page's status changes as "live@+0.3s offline@+5.1s …", relative to `since`. */
export function statusTrail(page: Pick<LivePage, 'statuses'>, since: number): string {
  return page.statuses.map(({ status, at }) => `${status}@${((at - since) / 1000).toFixed(1)}s`).join(' ');
}
