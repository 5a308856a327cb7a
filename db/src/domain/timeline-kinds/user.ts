import { z } from 'zod';
import { messagesPageSql, messagesSinceSql } from '../timeline-sql';
import { MAX_ID, type TimelineKind } from './kind';
import { rooms } from './rooms';

export type UserScope = { kind: 'user'; userId: number };

/**
 * One author's page: their messages arrive through the author room. The
 * profile room is the same page's, for its live follow counts.
 */
export const userKind: TimelineKind<UserScope, UserScope> = {
  request: z.object({ kind: z.literal('user'), userId: z.number().int().min(1).max(MAX_ID) }),
  needsViewer: false,
  scopeFor: ({ userId }) => ({ kind: 'user', userId }),
  async join({ userId }, socket) {
    await socket.join([rooms.author(userId), rooms.profile(userId)]);
  },
  messageRooms: ({ authorId }) => [rooms.author(authorId)],
  page: ({ userId }, { params, before, limit }) => messagesPageSql(params.add(userId), before, limit),
  since: ({ userId }, { params, afterId, limit }) => messagesSinceSql(params.add(userId), afterId, limit),
};
