import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError, NOT_AUTHORIZED } from './api-error';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Refuses requests without the simulator's Basic credentials. Both sides are
 * hashed first, so timingSafeEqual always compares 32 bytes: the time taken
 * tells an attacker neither how much of a guess matched nor the length of the
 * secret.
 */
export function requireSimulator(credentials: string): RequestHandler {
  const expected = digest(`Basic ${Buffer.from(credentials).toString('base64')}`);
  return (req, _res, next) => {
    const ok = timingSafeEqual(digest(req.headers.authorization ?? ''), expected);
    next(ok ? undefined : new ApiError(403, NOT_AUTHORIZED));
  };
}
