import type { Database } from '@minitwit/db';
import { type Limit, type LimitRule, createLimit, retryAfterSeconds } from '@minitwit/redis';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error';
import { simulatorCheck } from './simulator-auth';

/**
 * `/register` needs no credential (SPEC §3) and each call costs an argon2
 * hash: on a public port, a CPU sink. Calls without the simulator's
 * credentials are counted per address, before the body is even read, in a
 * store every replica shares; the simulator's own calls are never counted
 * (it registers thousands of users from one address).
 */
export const registrationRule = (perHour: number): LimitRule => ({
  name: 'api-register-address',
  points: perHour,
  windowSeconds: 60 * 60,
  blockSeconds: 15 * 60,
});

/** The default when the caller brings none: counted in the database, shared by every replica on it. */
export const DEFAULT_REGISTRATIONS_PER_HOUR = 20;

export function databaseRegistrationLimit(db: Database, perHour = DEFAULT_REGISTRATIONS_PER_HOUR): Limit {
  return createLimit(registrationRule(perHour), { sql: db.sql });
}

export const TOO_MANY_REGISTRATIONS = 'Too many registrations from this address, try again later';

export function limitRegistrations(limit: Limit, simulatorCredentials: string): RequestHandler {
  const isSimulator = simulatorCheck(simulatorCredentials);
  return async (req, res, next) => {
    if (isSimulator(req)) return next();
    // req.ip honours `trust proxy` (API_TRUST_PROXY_HOPS): behind nginx, the address nginx saw.
    const wait = await limit.count(`address:${req.ip ?? 'unknown'}`);
    if (wait === 0) return next();
    res.setHeader('Retry-After', String(retryAfterSeconds(wait)));
    next(new ApiError(429, TOO_MANY_REGISTRATIONS));
  };
}
