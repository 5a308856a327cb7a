import type { TimelineMessage } from '@minitwit/db';
import { toLiveMessage } from '../live-message';
import type { TimelinePublisher } from '../publisher';
import { rooms } from '../rooms';
import type { Broadcaster } from './broadcaster';

/** Session ids per `session:ended` event (~45 bytes each). */
const SESSIONS_PER_EVENT = 500;

/**
 * What each committed write means for open pages. One emit per write: the
 * adapter sends a socket that sits in several of the target rooms one copy.
 */
export function publisherOver(broadcaster: Broadcaster): TimelinePublisher {
  return {
    messagePosted(message: TimelineMessage) {
      // Called right after the commit: now is the commit time the realtime servers measure from.
      const live = toLiveMessage(message);
      live.committedAt = Date.now();
      broadcaster.emit([rooms.public(), rooms.author(message.author.id)], 'message:created', live);
    },
    followChanged({ whoId, whomId, following }) {
      if (following) broadcaster.join(rooms.viewer(whoId), rooms.author(whomId));
      else broadcaster.leave(rooms.viewer(whoId), rooms.author(whomId));
      // Both profiles' counts change: whom's followers, who's following.
      broadcaster.emit([rooms.profile(whoId), rooms.profile(whomId)], 'follow:changed', { whoId, whomId, following });
    },
    messagesFlagged(messages) {
      if (messages.length === 0) return;
      const authorRooms = new Set(messages.map((message) => rooms.author(message.authorId)));
      broadcaster.emit([rooms.public(), ...authorRooms], 'message:removed', {
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
