import type { Database, TimelineScope } from '@minitwit/db';
import type { Logger } from '@minitwit/monitoring';
import { z } from 'zod';
import { BACKLOG_LIMIT, type SubscribeReply } from '../contract';
import { toLiveMessage } from '../live-message';
import { rooms } from '../rooms';
import type { ReadSince } from './backlog-reader';
import type { RealtimeMetrics } from './metrics';
import type { RealtimeSocket } from './types';
import type { ViewerCounter } from './viewers';

/**
 * Ids are PostgreSQL `integer`s. A larger number is the client's mistake, not a
 * database failure: checked here it is answered `invalid`, where the database
 * would refuse it and fill the error log with stacks (issue 19 finding 6).
 */
const MAX_ID = 2_147_483_647;

const subscribeSchema = z.object({
  scope: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('public') }),
    z.object({ kind: z.literal('user'), userId: z.number().int().min(1).max(MAX_ID) }),
    z.object({ kind: z.literal('home') }),
  ]),
  // 0: the page shows no message yet.
  afterId: z.number().int().min(0).max(MAX_ID),
});

export interface SubscribeDeps {
  db: Database;
  logger: Logger;
  metrics: RealtimeMetrics;
  viewers: ViewerCounter;
  /** The backlog read; create-server shares identical waiting reads (backlog-reader.ts). Defaults to the database's. */
  readSince?: ReadSince;
  /**
   * Bounds how many subscriptions read the follow graph at once (backlog-reader.ts); unbounded by
   * default. Only that read: the backlog read has its own bound in `readSince`, and must not wait
   * behind this one, or identical backlog reads could not meet there to be shared.
   */
  limit?: <T>(task: () => Promise<T>) => Promise<T>;
}

/**
 * `timeline:subscribe`: the server puts the socket in the rooms of the scope,
 * then reads what the page missed. Rooms first, then the database: a message
 * committed after the read is published after it too, when the socket is
 * already in its room; one committed before is in the backlog (and maybe
 * also live — the client drops the second copy). Requests of one socket are
 * handled one at a time, so a quick re-subscribe cannot interleave.
 */
export function handleSubscriptions(socket: RealtimeSocket, deps: SubscribeDeps): void {
  let queue: Promise<unknown> = Promise.resolve();
  socket.on('timeline:subscribe', (request: unknown, ack: unknown) => {
    if (typeof ack !== 'function') return;
    queue = queue.then(async () => {
      const reply = await subscribe(socket, request, deps);
      (ack as (reply: SubscribeReply) => void)(reply);
    });
  });
}

async function subscribe(socket: RealtimeSocket, request: unknown, deps: SubscribeDeps): Promise<SubscribeReply> {
  const parsed = subscribeSchema.safeParse(request);
  if (!parsed.success) return { ok: false, error: 'invalid' };
  const { scope, afterId } = parsed.data;
  const user = socket.data.user;
  if (scope.kind === 'home' && !user) return { ok: false, error: 'unauthorized' };
  return subscribeTo(socket, scope, afterId, user, deps);
}

async function subscribeTo(
  socket: RealtimeSocket,
  scope: z.infer<typeof subscribeSchema>['scope'],
  afterId: number,
  user: RealtimeSocket['data']['user'],
  deps: SubscribeDeps,
): Promise<SubscribeReply> {
  leaveTimelineRooms(socket);
  try {
    let dbScope: TimelineScope;
    if (scope.kind === 'home' && user) {
      const run = deps.limit ?? ((task) => task());
      await run(() => joinHomeRooms(socket, user.id, deps.db));
      dbScope = { kind: 'home', userId: user.id };
    } else if (scope.kind === 'user') {
      await socket.join([rooms.author(scope.userId), rooms.profile(scope.userId)]);
      dbScope = scope;
    } else {
      await socket.join(rooms.public());
      dbScope = { kind: 'public' };
    }
    // One row past the limit tells a backlog that does not fit from one that just fills it.
    const readSince = deps.readSince ?? ((...args) => deps.db.timelines.since(...args));
    const missed = await readSince(dbScope, afterId, BACKLOG_LIMIT + 1);
    const messages = missed.slice(0, BACKLOG_LIMIT).map(toLiveMessage);
    deps.metrics.subscriptions.inc({ scope: scope.kind });
    deps.metrics.backlogMessages.inc(messages.length);
    deps.metrics.backlogSize.observe(messages.length);
    deps.viewers.watching(socket, scope.kind);
    return { ok: true, messages, truncated: missed.length > BACKLOG_LIMIT };
  } catch (error) {
    // Half-joined rooms would deliver live messages after a gap; the client retries from scratch.
    leaveTimelineRooms(socket);
    deps.logger.error('subscription failed', { scope: scope.kind, error });
    return { ok: false, error: 'unavailable' };
  }
}

/**
 * My Timeline: the viewer room first, so a follow committed after the
 * follow-graph read below finds the socket there and moves it; the graph is
 * read twice, because an unfollow committed between the first read and the
 * joins published its move before the socket was in that author's room.
 */
async function joinHomeRooms(socket: RealtimeSocket, userId: number, db: Database): Promise<void> {
  await socket.join([rooms.viewer(userId), rooms.author(userId)]);
  const followed = await db.follows.followedIds(userId);
  await socket.join(followed.map((id) => rooms.author(id)));
  const stillFollowed = new Set(await db.follows.followedIds(userId));
  for (const id of followed) {
    if (!stillFollowed.has(id)) await socket.leave(rooms.author(id));
  }
  await socket.join([...stillFollowed].map((id) => rooms.author(id)));
}

/** A socket shows one timeline at a time; every room but its own id belongs to that timeline. */
function leaveTimelineRooms(socket: RealtimeSocket): void {
  for (const room of [...socket.rooms]) {
    if (room !== socket.id) void socket.leave(room);
  }
}
