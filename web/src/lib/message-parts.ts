import { mentionTokens } from '@minitwit/db/mention-names';
import { userPath } from './user-path';

/**
 * A message split into what is plain text and what is a link (an address, or
 * an `@name` of a user it mentions), so the page renders links as elements
 * with text nodes around them, never as HTML built from the message (no
 * {@html}: every character stays text, as typed).
 */
export type MessagePart =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string; href: string };

/**
 * http(s) addresses only: `javascript:`, `data:` and friends never match, and
 * neither does a bare `www.` (no scheme, no guessing). A link runs to the
 * next whitespace or character that cannot be in a URL unescaped (<, >, ",
 * backtick, braces, the bar, backslash, caret), minus trailing punctuation
 * below.
 */
const CANDIDATE = /\bhttps?:\/\/(?!\/)[^\s<>"`{}|\\^]+/giu;

/** Punctuation that ends a sentence around a link rather than belonging to it. */
const TRAILING = /[.,;:!?'*_~]+$/u;

/** A closing bracket is part of the link only when the link opened one (Wikipedia's `Foo_(bar)`). */
function trimUnbalanced(candidate: string): string {
  let text = candidate;
  for (;;) {
    const before = text;
    text = text.replace(TRAILING, '');
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
    ] as const) {
      if (text.endsWith(close) && count(text, close) > count(text, open)) text = text.slice(0, -1);
    }
    if (text === before) return text;
  }
}

const count = (text: string, char: string) => text.split(char).length - 1;

/** The address a link points to, or null when it is not a usable http(s) URL. */
function hrefOf(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // A host is required: `http://` alone or `http:///path` is not a link.
  if (url.hostname === '') return null;
  return url.href;
}

/** A linked stretch of the text, before it is cut into parts. */
type Span = { start: number; end: number; part: MessagePart };

function addressSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const linkText = trimUnbalanced(match[0]);
    const href = hrefOf(linkText);
    if (href)
      spans.push({
        start: match.index,
        end: match.index + linkText.length,
        part: { kind: 'link', text: linkText, href },
      });
  }
  return spans;
}

/**
 * The `@name`s that resolved to users when the message was written
 * (`mentions`, from the database), found by the same parser the database
 * used (@minitwit/db/mention-names), the longest spelling first.
 */
function mentionSpans(text: string, mentions: readonly string[]): Span[] {
  if (mentions.length === 0) return [];
  const known = new Set(mentions);
  const spans: Span[] = [];
  for (const token of mentionTokens(text)) {
    const match = token.candidates.find((candidate) => known.has(candidate.name));
    if (!match) continue;
    const end = token.start + match.length;
    spans.push({
      start: token.start,
      end,
      part: { kind: 'mention', text: text.slice(token.start, end), href: userPath(match.name) },
    });
  }
  return spans;
}

export function messageParts(text: string, mentions: readonly string[] = []): MessagePart[] {
  const addresses = addressSpans(text);
  // An `@` inside an address (`https://host/@bob`) is part of the address.
  const inAddress = (span: Span) => addresses.some((address) => span.start < address.end && span.end > address.start);
  const spans = [...addresses, ...mentionSpans(text, mentions).filter((span) => !inAddress(span))].sort(
    (a, b) => a.start - b.start,
  );
  const parts: MessagePart[] = [];
  let plainFrom = 0;
  for (const span of spans) {
    if (span.start > plainFrom) parts.push({ kind: 'text', text: text.slice(plainFrom, span.start) });
    parts.push(span.part);
    plainFrom = span.end;
  }
  if (plainFrom < text.length || parts.length === 0) parts.push({ kind: 'text', text: text.slice(plainFrom) });
  return parts;
}
