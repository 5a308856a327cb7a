/**
 * A message split into what is plain text and what is a link, so the page
 * renders links as elements with text nodes around them, never as HTML built
 * from the message (no {@html}: every character stays text, as typed).
 */
export type MessagePart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

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

export function messageParts(text: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const linkText = trimUnbalanced(match[0]);
    const href = hrefOf(linkText);
    if (!href) continue;
    if (start > plainFrom) parts.push({ kind: 'text', text: text.slice(plainFrom, start) });
    parts.push({ kind: 'link', text: linkText, href });
    plainFrom = start + linkText.length;
  }
  if (plainFrom < text.length || parts.length === 0) parts.push({ kind: 'text', text: text.slice(plainFrom) });
  return parts;
}
