import { errors } from '../errors';

/**
 * A position in a timeline: the (pub_date, id) of the last message shown.
 * Timelines are ordered by that pair, so "older than the cursor" stays the same
 * set of messages however many new ones arrive on top.
 */
export interface Cursor {
  pubDate: Date;
  id: number;
}

export function encodeCursor(cursor: Cursor): string {
  return `${cursor.pubDate.getTime()}-${cursor.id}`;
}

const CURSOR_SHAPE = /^(\d{1,15})-(\d{1,10})$/;

export function decodeCursor(text: string): Cursor {
  const match = CURSOR_SHAPE.exec(text);
  if (!match) throw errors.cursorInvalid();
  const id = Number(match[2]);
  if (id > 2_147_483_647) throw errors.cursorInvalid();
  return { pubDate: new Date(Number(match[1])), id };
}
