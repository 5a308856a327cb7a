import { type Database, MAX_ID, type RoomMembership, kindNamed, parseTimelineRequest } from '@minitwit/db';
import type { Logger } from '@minitwit/monitoring';
import { z } from 'zod';
import { BACKLOG_LIMIT, type SubscribeReply } from '../contract';
import { toLiveMessage } from '../live-message';
import type { ReadSince } from './backlog-reader';
import type { RealtimeMetrics } from './metrics';
import type { RealtimeSocket } from './types';
import type { ViewerCounter } from './viewers';

// The scope is checked by its kind's own schema (parseTimelineRequest). 0: the page shows no message yet.
const subscribeSchema = z.object({ scope: z.unknown(), afterId: z.number().int().min(0).max(MAX_ID) });

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
  const requested = parsed.success ? parseTimelineRequest(parsed.data.scope) : null;
  if (!parsed.success || !requested) return { ok: false, error: 'invalid' };
  const kind = kindNamed(requested.kind);
  const user = socket.data.user;
  if (kind.needsViewer && !user) return { ok: false, error: 'unauthorized' };
  const scope = kind.scopeFor(requested, user?.id ?? null);
  leaveTimelineRooms(socket);
  try {
    // The reads a join makes (My Timeline's follow graph) wait in `limit`; joining rooms does not.
    const run = deps.limit ?? ((task) => task());
    await kind.join(scope, membershipOf(socket), { followedIds: (id) => run(() => deps.db.follows.followedIds(id)) });
    // One row past the limit tells a backlog that does not fit from one that just fills it.
    const readSince = deps.readSince ?? ((...args) => deps.db.timelines.since(...args));
    const missed = await readSince(scope, parsed.data.afterId, BACKLOG_LIMIT + 1);
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

/** The room moves a kind asks for, on one socket. */
function membershipOf(socket: RealtimeSocket): RoomMembership {
  return {
    async join(rooms) {
      if (rooms.length > 0) await socket.join([...rooms]);
    },
    async leave(rooms) {
      for (const room of rooms) await socket.leave(room);
    },
  };
}

/** A socket shows one timeline at a time; every room but its own id belongs to that timeline. */
function leaveTimelineRooms(socket: RealtimeSocket): void {
  for (const room of [...socket.rooms]) {
    if (room !== socket.id) void socket.leave(room);
  }
}
