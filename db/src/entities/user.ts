import { EntitySchema } from '@mikro-orm/core';

export interface User {
  id: number;
  username: string;
  email: string;
  pwHash: string;
  createdAt: Date;
}

export const UserSchema = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    username: { type: 'text', unique: true },
    email: { type: 'text' },
    pwHash: { type: 'text', fieldName: 'pw_hash', hidden: true },
    createdAt: { type: 'Date', columnType: 'timestamptz(3)', defaultRaw: 'now()', fieldName: 'created_at' },
  },
});
