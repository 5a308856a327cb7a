import { EntitySchema } from '@mikro-orm/core';

export interface Message {
  id: number;
  authorId: number;
  text: string;
  /** Millisecond precision in the column, so a JS Date round-trips exactly inside paging cursors. */
  pubDate: Date;
  flagged: boolean;
  /** Set when the author deleted it (which also sets `flagged`, what every read filters on). */
  deletedAt?: Date | null;
}

export const MessageSchema = new EntitySchema<Message>({
  name: 'Message',
  tableName: 'messages',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    authorId: { type: 'integer', fieldName: 'author_id' },
    text: { type: 'text' },
    pubDate: { type: 'Date', columnType: 'timestamptz(3)', defaultRaw: 'now()', fieldName: 'pub_date' },
    flagged: { type: 'boolean', default: false },
    deletedAt: { type: 'Date', columnType: 'timestamptz(3)', nullable: true, fieldName: 'deleted_at' },
  },
});
