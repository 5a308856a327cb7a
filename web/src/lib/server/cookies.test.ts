import { SESSION_COOKIE as CONTRACT_SESSION_COOKIE } from '@minitwit/db';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './cookies';

describe('SESSION_COOKIE', () => {
  it('is the cookie the realtime handshake reads, or My Timeline could never go live', () => {
    expect(SESSION_COOKIE).toBe(CONTRACT_SESSION_COOKIE);
  });
});
