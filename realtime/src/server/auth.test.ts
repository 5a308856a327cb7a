import { describe, expect, it } from 'vitest';
import { readCookie } from './auth';

describe('readCookie', () => {
  it('finds the named cookie among others and decodes it', () => {
    expect(readCookie('theme=dark; session=abc%2Bdef; other=1', 'session')).toBe('abc+def');
  });

  it('does not match a cookie whose name merely ends with the name', () => {
    expect(readCookie('mysession=x', 'session')).toBeUndefined();
  });

  it('is undefined without a header', () => {
    expect(readCookie(undefined, 'session')).toBeUndefined();
  });
});
