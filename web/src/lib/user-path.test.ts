import { describe, expect, it } from 'vitest';
import { userPath } from './user-path';

describe('userPath', () => {
  it('keeps every username to one path segment', () => {
    expect(userPath('Ada Lovelace')).toBe('/Ada%20Lovelace');
    expect(userPath('a/b?c#d')).toBe('/a%2Fb%3Fc%23d');
    expect(userPath('שלום')).toBe(`/${encodeURIComponent('שלום')}`);
  });
});
