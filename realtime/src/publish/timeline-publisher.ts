import { type TimelineMessage, addressOf, rooms, roomsOfMessage, timelineKinds } from '@minitwit/db';
import { toLiveMessage } from '../live-message';
import type { TimelinePublisher } from '../publisher';
import type { Broadcaster } from './broadcaster';

/** Session ids per `session:ended` event (~45 bytes each). */
const SESSIONS_PER_EVENT = 500;

/**
 * What each committed write means for open pages, as the timeline kinds
 * (@minitwit/db's registry) say: a message goes to the rooms of every kind
 * that shows it, a follow moves the rooms of the kinds that follow the graph.
 * One emit per write: the adapter sends a socket that sits in several of the
 * target rooms one copy.
 */
export function publisherOver(broadcaster: Broadcaster): TimelinePublisher {
  return {
    messagePosted(message: TimelineMessage) {
      // Called right after the commit: now is the commit time the realtime servers measure from.
      const live = toLiveMessage(message);
      live.committedAt = Date.now();
      broadcaster.emit(roomsOfMessage(addressOf(message)), 'message:created', live);
    },
    followChanged({ whoId, whomId, following }) {
      for (const [, kind] of timelineKinds()) {
        const move = kind.followMove?.({ whoId, whomId });
        if (!move) continue;
        if (following) broadcaster.join(move.members, move.room);
        else broadcaster.leave(move.members, move.room);
      }
      // Both profiles' counts change: whom's followers, who's following.
      broadcaster.emit([rooms.profile(whoId), rooms.profile(whomId)], 'follow:changed', { whoId, whomId, following });
    },
    messagesFlagged(messages) {
      if (messages.length === 0) return;
      const targets = new Set(messages.flatMap((message) => roomsOfMessage(message)));
      broadcaster.emit([...targets], 'message:removed', {
        ids: messages.map((message) => message.id),
        committedAt: Date.now(),
      });
    },
    sessionEnded(sessionIds) {
      const ids = typeof sessionIds === 'string' ? [sessionIds] : sessionIds;
      // Bounded packets however many sessions a user had; every server scans its sockets once per packet.
      for (let start = 0; start < ids.length; start += SESSIONS_PER_EVENT) {
        broadcaster.endSessions(ids.slice(start, start + SESSIONS_PER_EVENT));
      }
    },
  };
}
