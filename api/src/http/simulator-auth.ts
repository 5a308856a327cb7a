import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ApiError, NOT_AUTHORIZED } from './api-error';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether a request carries the simulator's Basic credentials. Both sides are
 * hashed first, so timingSafeEqual always compares 32 bytes: the time taken
 * tells an attacker neither how much of a guess matched nor the length of the
 * secret.
 */
export function simulatorCheck(credentials: string): (req: Request) => boolean {
  const expected = digest(`Basic ${Buffer.from(credentials).toString('base64')}`);
  return (req) => timingSafeEqual(digest(req.headers.authorization ?? ''), expected);
}

/** Refuses requests without the simulator's Basic credentials. */
export function requireSimulator(credentials: string): RequestHandler {
  const isSimulator = simulatorCheck(credentials);
  return (req, _res, next) => next(isSimulator(req) ? undefined : new ApiError(403, NOT_AUTHORIZED));
}
