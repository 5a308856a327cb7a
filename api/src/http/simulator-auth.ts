import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError, NOT_AUTHORIZED } from './api-error';

/** Refuses requests without the simulator's Basic credentials (compared in constant time). */
export function requireSimulator(credentials: string): RequestHandler {
  const expected = Buffer.from(`Basic ${Buffer.from(credentials).toString('base64')}`);
  return (req, _res, next) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    next(ok ? undefined : new ApiError(403, NOT_AUTHORIZED));
  };
}
