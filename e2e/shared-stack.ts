/**
 * A second launcher for the specs that need a separate process to reach the
 * running system (the flag tool): it runs on PostgreSQL and Redis, given as
 * DATABASE_URL and REDIS_URL (CI sets both). Without them it is not started
 * and those specs skip loudly: the embedded database is one process's alone.
 */
import { randomBytes } from 'node:crypto';
import { PORT_OFFSET } from './base-url';

export const SHARED_PORT = 3102 + PORT_OFFSET;
export const SHARED_API_PORT = 5102 + PORT_OFFSET;
export const SHARED_BASE_URL = `http://127.0.0.1:${SHARED_PORT}`;
export const SHARED_API_URL = `http://127.0.0.1:${SHARED_API_PORT}`;

export const sharedDatabaseUrl = process.env.DATABASE_URL || undefined;
export const sharedRedisUrl = process.env.REDIS_URL || undefined;
export const sharedStackAvailable = Boolean(sharedDatabaseUrl && sharedRedisUrl);

// A channel of this run's own, so other users of the same Redis (benchmarks, a dev server) never reach these pages.
// Set once in the Playwright runner; its worker processes inherit the environment.
process.env.E2E_REDIS_CHANNEL ??= `minitwit-e2e-${randomBytes(4).toString('hex')}`;
export const sharedRedisChannel = process.env.E2E_REDIS_CHANNEL;
