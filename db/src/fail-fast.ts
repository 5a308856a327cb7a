/**
 * How the database fails fast when PostgreSQL is gone: a request must get a
 * clear 503 within a couple of seconds, never hang on a pool or a socket, and
 * the pool must reconnect by itself when the server is back (docs/operations.md).
 */

/** Longest wait for a pooled connection (knex/tarn's default is 60 s: a request would hang). */
export const ACQUIRE_TIMEOUT_MS = 2_000;
/** Longest wait for a new TCP connection and its startup handshake. */
export const CONNECT_TIMEOUT_MS = 2_000;
/**
 * Server-side cap on one statement: a backstop against a runaway query holding
 * a connection. Every statement here is indexed and takes milliseconds;
 * a migration that needs longer sets `set local statement_timeout = 0`.
 */
export const STATEMENT_TIMEOUT_MS = 10_000;
/**
 * Client-side cap on waiting for one statement's answer (pg's `query_timeout`)
 * on the request path. The server-side cap above cannot help when the server
 * is not there to enforce it: a connection through a host that vanished (in
 * Swarm, the HAProxy task on the primary's lost host) answers nothing, not
 * even a reset, and its statement waited until TCP gave up (seconds to
 * minutes), past nginx's 5 s read timeout. nginx counts such a timeout as
 * the replica's failure and skipped it, and with every replica skipped it
 * answered 502 itself (issue 18's fifth multi-host run: 119 × 502). Bounded
 * here, the statement fails as unavailable (a 503 with Retry-After, which
 * nginx does not count) and the pool drops the connection. With a pooled
 * connection's wait (ACQUIRE_TIMEOUT_MS) it stays under nginx's 5 s. Every
 * request-path statement is indexed and answers in milliseconds.
 */
export const QUERY_READ_TIMEOUT_MS = 2_000;

/** Pool (tarn) and driver (`pg`) options for a real PostgreSQL, merged into MikroORM's config. */
export const failFastPool = {
  acquireTimeoutMillis: ACQUIRE_TIMEOUT_MS,
  createTimeoutMillis: CONNECT_TIMEOUT_MS,
  // A failed connect fails the waiting request at once instead of retrying until the acquire timeout.
  propagateCreateError: true,
  // Each failed connect fails one waiting request, then the pool tries again after this (tarn's default
  // is 200 ms): with the server gone a refused connect costs nothing, and a queue of requests drains
  // into 503s in tens of milliseconds instead of 200 ms per pool slot.
  createRetryIntervalMillis: 20,
} as const;

export const failFastConnection = {
  connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  statement_timeout: STATEMENT_TIMEOUT_MS,
  // TCP keepalive notices a peer that vanished without closing (a crashed host, a cut network).
  keepAlive: true,
} as const;

/**
 * SQLSTATE classes and codes that mean "the server is not there right now", not "your request is
 * wrong": connection failures, shutdown, too many connections, a cancelled statement, a full disk
 * (53100) and a read-only session (25006: a standby, or the embedded database's disk guard).
 */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300|53100|57014|25006)/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOENT']);
/**
 * Errors that carry no code: the drivers say "unreachable" only in words, so
 * these are matched by text (case-insensitive). Each phrase is written by the
 * dependency named beside it; fail-fast.test.ts fails when a phrase is no
 * longer in that dependency's source, and when the real pg, pg-pool and knex
 * (through MikroORM) stop producing errors classified here, so an upgrade that
 * rewords one cannot turn an outage's 503 back into a 500 silently.
 */
export const UNAVAILABLE_PHRASES = {
  'Connection terminated': 'pg', // "… unexpectedly", "… due to connection timeout"
  'connection timeout': 'pg-pool',
  'timeout exceeded when trying to connect': 'pg-pool',
  'not queryable': 'pg',
  'Timeout acquiring a connection': 'knex',
  'Unable to acquire a connection': 'knex',
  'Connection refused': '@electric-sql/pglite',
  'Query read timeout': 'pg', // query_timeout (QUERY_READ_TIMEOUT_MS) ran out
} as const;
/** Error names (not codes) that mean the same: knex's pool timeout and MikroORM's connection failure. */
export const UNAVAILABLE_NAMES = { KnexTimeoutError: 'knex', ConnectionException: '@mikro-orm/core' } as const;
const UNAVAILABLE_TEXT = new RegExp(Object.keys(UNAVAILABLE_PHRASES).join('|'), 'i');

/**
 * True when an error says the database cannot be reached or is shutting down
 * (refused, terminated, timed out, too many connections), so the front doors
 * answer 503 with Retry-After instead of a 500. Follows `cause` chains (the
 * ORM wraps driver errors) and AggregateErrors (a refused dual-stack connect).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const { code, name, message, cause, errors } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  if (typeof name === 'string' && Object.hasOwn(UNAVAILABLE_NAMES, name)) return true;
  if (typeof message === 'string' && UNAVAILABLE_TEXT.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
