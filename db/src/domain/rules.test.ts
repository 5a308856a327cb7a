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
  ])('%j → %s', (text, expected) => {
    expect(messageOf(() => checkMessageText(text))).toBe(expected);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(charCount('🐦a')).toBe(2);
    expect('🐦a'.length).toBe(3);
  });
});
