import { EntitySchema } from '@mikro-orm/core';

export interface Session {
  tokenHash: string;
  userId: number;
  createdAt: Date;
  expiresAt: Date;
}

export const SessionSchema = new EntitySchema<Session>({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    tokenHash: { type: 'text', primary: true, fieldName: 'token_hash' },
    userId: { type: 'integer', fieldName: 'user_id' },
    createdAt: { type: 'Date', columnType: 'timestamptz(3)', defaultRaw: 'now()', fieldName: 'created_at' },
    expiresAt: { type: 'Date', columnType: 'timestamptz(3)', fieldName: 'expires_at' },
  },
});
