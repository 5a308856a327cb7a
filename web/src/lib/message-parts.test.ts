import { describe, expect, it } from 'vitest';
import { type MessagePart, messageParts } from './message-parts';

const joined = (parts: MessagePart[]) => parts.map((part) => part.text).join('');
const links = (text: string) => messageParts(text).filter((part) => part.kind === 'link');

describe('messageParts', () => {
  it('keeps text without links as one text part, exactly', () => {
    expect(messageParts('hello  world\n')).toEqual([{ kind: 'text', text: 'hello  world\n' }]);
    expect(messageParts('')).toEqual([{ kind: 'text', text: '' }]);
  });

  it('splits http and https links out of the text', () => {
    expect(messageParts('see https://example.com/a?b=1#c and http://x.org')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1#c', href: 'https://example.com/a?b=1#c' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
    ]);
  });

  it('leaves sentence punctuation and unopened brackets outside the link', () => {
    expect(links('Read https://example.com/page. Then (https://example.com/x), ok?')).toEqual([
      { kind: 'link', text: 'https://example.com/page', href: 'https://example.com/page' },
      { kind: 'link', text: 'https://example.com/x', href: 'https://example.com/x' },
    ]);
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar)')[0]?.text).toBe('https://en.wikipedia.org/wiki/Foo_(bar)');
  });

  it('links nothing but http(s) with a host', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'ftp://example.com',
      'www.example.com',
      'http://',
      'https:///path-only',
      'mailto:a@b.c',
      'xhttps://glued.example',
    ]) {
      expect(links(text), text).toEqual([]);
    }
    // Only the http(s) address itself becomes a link, never a scheme in front of it.
    expect(links('JaVaScRiPt:alert(1)//https://x')).toEqual([{ kind: 'link', text: 'https://x', href: 'https://x/' }]);
  });

  it('ends a link at characters that would break out of an attribute or into markup', () => {
    const hostile = `https://a.example/"onmouseover="alert(1) https://b.example/<script>alert(2)</script> https://c.example/'x`;
    expect(links(hostile).map((part) => part.text)).toEqual([
      'https://a.example/',
      'https://b.example/',
      "https://c.example/'x",
    ]);
  });

  it('gives back every character of hostile texts, in order, as text', () => {
    const texts = [
      `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> "double" 'single' & &amp; &lt; 😀👩‍👩‍👧 שלום עולם مرحبا  two  spaces`,
      `<a href="javascript:alert(1)">https://ok.example</a>`,
      `https://example.com/<img src=x onerror=alert(1)>`,
      'https://exa mple.com https://😀.example/שלום?q=<b>',
    ];
    for (const text of texts) expect(joined(messageParts(text))).toBe(text);
  });
});

describe('messageParts with mentions', () => {
  it('links the `@name`s the message was found to mention, to their pages, and leaves other `@`s as text', () => {
    expect(messageParts('hi @ada and @ghost, @Bo b!', ['ada', 'Bo'])).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@ada', href: '/ada' },
      { kind: 'text', text: ' and @ghost, ' },
      { kind: 'mention', text: '@Bo', href: '/Bo' },
      { kind: 'text', text: ' b!' },
    ]);
  });

  it('keeps trailing punctuation outside unless it is part of the name, and encodes the path', () => {
    expect(messageParts('@a/b.', ['a/b'])).toEqual([
      { kind: 'mention', text: '@a/b', href: '/a%2Fb' },
      { kind: 'text', text: '.' },
    ]);
    expect(messageParts('@x.', ['x', 'x.'])[0]).toEqual({ kind: 'mention', text: '@x.', href: '/x.' });
  });

  it('does not link an `@` inside an address, nor one glued to a word', () => {
    expect(messageParts('https://example.com/@ada mail@ada', ['ada']).map((part) => part.kind)).toEqual([
      'link',
      'text',
    ]);
  });

  it('links nothing without mentions, whatever the text says', () => {
    expect(messageParts('@ada')).toEqual([{ kind: 'text', text: '@ada' }]);
  });
});
