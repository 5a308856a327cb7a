import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { charCount, checkMessageText, checkRegistration } from './rules';

const messageOf = (run: () => void): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
  return 'ok';
};

describe('checkRegistration', () => {
  const valid = { username: 'ada', email: 'ada@example.com', password: 'pw', password2: 'pw' };

  it.each([
    [{ ...valid, username: '' }, 'You have to enter a username'],
    [{ ...valid, username: '   ' }, 'You have to enter a username'],
    [{ ...valid, username: '', email: 'bad', password: '' }, 'You have to enter a username'],
    [{ ...valid, email: 'bad' }, 'You have to enter a valid email address'],
    [{ ...valid, email: 'a @b.c' }, 'You have to enter a valid email address'],
    [{ ...valid, email: 'bad', password: '' }, 'You have to enter a valid email address'],
    [{ ...valid, password: '', password2: 'x' }, 'You have to enter a password'],
    [{ ...valid, password2: 'other' }, 'The two passwords do not match'],
    [{ ...valid, username: 'x'.repeat(101) }, 'The username may have at most 100 characters'],
    [{ ...valid, username: 'nul\u0000' }, 'The username contains characters that cannot be stored'],
    [valid, 'ok'],
    [{ ...valid, username: 'Zoë 李 🐦 with spaces' }, 'ok'],
    [{ ...valid, password2: undefined }, 'ok'],
    [{ ...valid, username: '\u200b\u200d' }, 'You have to enter a username'],
    [{ ...valid, username: '\u0301' }, 'You have to enter a username'],
    [{ ...valid, username: 'ada\u200b' }, 'The username may not contain invisible or control characters'],
    [{ ...valid, username: 'a\u202eda' }, 'The username may not contain invisible or control characters'],
    [{ ...valid, username: 'a\u00a0da' }, 'The username may not contain invisible or control characters'],
    [{ ...valid, username: '\u0301ada' }, 'The username may not contain invisible or control characters'],
    [{ ...valid, username: 'ada\ufe0f' }, 'The username may not contain invisible or control characters'],
    [{ ...valid, username: 'ada ' }, 'The username may not start or end with a space or have two in a row'],
    [{ ...valid, username: 'a  da' }, 'The username may not start or end with a space or have two in a row'],
    [{ ...valid, username: 'public' }, 'The username is reserved'],
    [{ ...valid, username: 'Metrics' }, 'The username is reserved'],
    [{ ...valid, username: 'ｌｏｇｉｎ' }, 'The username is reserved'],
    [{ ...valid, username: '..' }, 'The username is reserved'],
    [{ ...valid, username: 'public', email: 'bad' }, 'You have to enter a valid email address'],
    [{ ...valid, username: 'publicity' }, 'ok'],
    [{ ...valid, username: 'Jose\u0301' }, 'ok'],
    [{ ...valid, username: '❤️ 1️⃣' }, 'ok'],
    [{ ...valid, username: 'שלום' }, 'ok'],
  ])('%j → %s', (input, expected) => {
    expect(messageOf(() => checkRegistration(input))).toBe(expected);
  });
});

describe('checkMessageText', () => {
  it.each([
    ['', 'The message may not be empty'],
    [' \n\t', 'The message may not be empty'],
    ['x'.repeat(501), 'The message may have at most 500 characters'],
    ['🐦'.repeat(501), 'The message may have at most 500 characters'],
    ['x'.repeat(500), 'ok'],
    ['🐦'.repeat(500), 'ok'],
    ['lone \ud800', 'The message contains characters that cannot be stored'],
    ['<b>&amp;</b> "quoted"', 'ok'],
    ['\u200b\u200c\u200d\u2060\ufeff', 'The message may not be empty'],
    ['\u0301\u0302', 'The message may not be empty'],
    [' \u202e\u3164\u2800 ', 'The message may not be empty'],
    ['\u200bx', 'ok'],
    ['e\u0301', 'ok'],
  ])('%j → %s', (text, expected) => {
    expect(messageOf(() => checkMessageText(text))).toBe(expected);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(charCount('🐦a')).toBe(2);
    expect('🐦a'.length).toBe(3);
  });
});
