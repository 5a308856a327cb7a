/**
 * The post box's counter. The limit and the way of counting are the server's
 * (db/src/domain/rules.ts: MAX_MESSAGE_CHARS, charCount — code points, so an
 * emoji is one); not imported from there, because browser code cannot load
 * the TypeScript workspace packages (web/README.md, "Build"). A test keeps
 * them equal.
 */
export const MESSAGE_LIMIT = 500;

export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** What the counter shows, always. */
export function counterLabel(count: number, limit = MESSAGE_LIMIT): string {
  if (count > limit) return `${count - limit} over the ${limit}-character limit`;
  return `${count} of ${limit} characters`;
}

/** How close to the limit the text is; an announcement is made each time this changes to a closer band. */
export function limitBand(count: number, limit = MESSAGE_LIMIT): number | null {
  const left = limit - count;
  if (left < 0) return -1;
  for (const band of [0, 10, 20, 50]) if (left <= band) return band;
  return null;
}

/** What a screen reader hears, politely, when the text enters a band near the limit. */
export function bandAnnouncement(count: number, limit = MESSAGE_LIMIT): string {
  const left = limit - count;
  if (left < 0) return `${-left} ${-left === 1 ? 'character' : 'characters'} over the limit`;
  return `${left} ${left === 1 ? 'character' : 'characters'} left`;
}
