import { z } from 'zod';
import { messagesPageSql, messagesSinceSql } from '../timeline-sql';
import type { TimelineKind } from './kind';
import { rooms } from './rooms';

export type PublicScope = { kind: 'public' };

/** The Public Timeline: every visible message, one room every message goes to. */
export const publicKind: TimelineKind<PublicScope, PublicScope> = {
  request: z.object({ kind: z.literal('public') }),
  needsViewer: false,
  scopeFor: () => ({ kind: 'public' }),
  async join(_scope, socket) {
    await socket.join([rooms.public()]);
  },
  messageRooms: () => [rooms.public()],
  page: (_scope, { before, limit }) => messagesPageSql(null, before, limit),
  since: (_scope, { afterId, limit }) => messagesSinceSql(null, afterId, limit),
};
