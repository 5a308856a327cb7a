/**
 * Where a message names someone as `@name`. Browser-safe (no imports): the
 * database resolves the names when the message is written (messages.ts) and
 * the web app links the same places (web/src/lib/message-parts.ts), so both
 * read a message alike.
 *
 * A mention is an `@` at the start or after whitespace or an opening bracket,
 * then the name up to the next whitespace: names with spaces cannot be
 * mentioned. Trailing punctuation may end a sentence or belong to the name
 * (`@bob.` — "bob" or "bob."?): both are candidates, the longer preferred.
 */
const MENTION = /(?<=^|[\s([{])@(\S+)/gu;
const TRAILING = /[.,;:!?)\]}'"…]+$/u;

/** At most this many `@` per message are looked up (a 500-character message could hold 250). */
export const MAX_MENTIONS = 20;

export interface MentionToken {
  /** Index of the `@`. */
  start: number;
  /**
   * The names it may be, longest first: each in Unicode NFC as names are
   * stored (usernames.ts), with how many characters of the text, `@`
   * included, spell it.
   */
  candidates: { name: string; length: number }[];
}

export function mentionTokens(text: string): MentionToken[] {
  const tokens: MentionToken[] = [];
  for (const match of text.matchAll(MENTION)) {
    if (tokens.length === MAX_MENTIONS) break;
    const name = match[1] ?? '';
    const stripped = name.replace(TRAILING, '');
    const spellings = stripped && stripped !== name ? [name, stripped] : [name];
    tokens.push({
      start: match.index,
      candidates: spellings.map((spelling) => ({ name: spelling.normalize('NFC'), length: spelling.length + 1 })),
    });
  }
  return tokens;
}

/** Every name a message may mention, each once. */
export function mentionCandidates(text: string): string[] {
  return [...new Set(mentionTokens(text).flatMap((token) => token.candidates.map((candidate) => candidate.name)))];
}
