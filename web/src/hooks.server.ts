import { randomUUID } from 'node:crypto';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { authLimits, closeAuthLimits } from '$lib/server/auth-limits';
import { clearSessionCookie, SESSION_COOKIE } from '$lib/server/cookies';
import { closeOwnDatabase, database } from '$lib/server/database';
import { logger } from '$lib/server/logger';
import { closeInternalListener, startInternalListener } from '$lib/server/internal-listener';
import { observeRequest, trackDependencies, webMetrics } from '$lib/server/operations';
import { isOperatorPath } from '$lib/operator-paths';
import { refuseCrossSiteForm } from '$lib/server/origin-check';
import { closePublisher, startPublisher } from '$lib/server/publisher';
import { SECURITY_HEADERS } from '$lib/security-headers';
import { startSessionPurge } from '$lib/server/session-purge';
import {
  UNAVAILABLE_MESSAGE,
  asUnavailable,
  isDatabaseUnavailable,
  unavailableResponse,
} from '$lib/server/unavailable';

export const init: ServerInit = async () => {
  // Open the database at start, so a bad configuration fails now rather than on the first visitor.
  const db = await database();
  // Likewise Redis, when REDIS_URL is set (without it this is the in-process publisher and cannot fail).
  await startPublisher();
  // The sign-in limits now, not on the first sign-in: their Redis connection starts here, so a
  // burst right after start is counted in Redis rather than partly in the database meanwhile.
  await authLimits();
  await trackDependencies();
  // Health and metrics for the healthcheck and Prometheus, on a port the proxy never routes.
  await startInternalListener();
  // Expired sessions' rows go on a timer (session-purge.ts says why here).
  const stopPurge = startSessionPurge(db, logger);
  // adapter-node emits this after a graceful SIGTERM/SIGINT shutdown.
  process.once('sveltekit:shutdown', () => {
    stopPurge();
    closePublisher().catch((error: unknown) =>
      logger.error('closing the publisher failed', { stack: describe(error) }),
    );
    closeAuthLimits().catch((error: unknown) =>
      logger.error('closing the rate-limit store failed', { stack: describe(error) }),
    );
    closeInternalListener().catch((error: unknown) =>
      logger.error('closing the operator endpoints failed', { stack: describe(error) }),
    );
    closeOwnDatabase().catch((error: unknown) =>
      logger.error('closing the database failed', { stack: describe(error) }),
    );
  });
};

export const handle: Handle = async ({ event, resolve }) => {
  // Health and metrics live on the internal port only: here no spelling of them is a page (issue 19).
  if (isOperatorPath(event.url.pathname)) return new Response('Not found', { status: 404 });
  // SvelteKit's own check is off (svelte.config.js): this one logs why it refuses.
  const refused = refuseCrossSiteForm(event.request, event.url, logger);
  if (refused) return refused;
  const started = performance.now();
  // The proxy's id when it sent a sane one, so one request has one id across proxy and app logs.
  const forwarded = event.request.headers.get('x-request-id');
  event.locals.requestId = forwarded && /^[\w.:-]{1,128}$/.test(forwarded) ? forwarded : randomUUID();
  event.locals.user = null;
  event.locals.sessionToken = event.cookies.get(SESSION_COOKIE) ?? null;
  if (event.locals.sessionToken) {
    const db = await database();
    try {
      event.locals.user = await db.sessions.userFor(event.locals.sessionToken);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      logger.warn('database unavailable', { requestId: event.locals.requestId, error: describe(error) });
      return unavailableResponse();
    }
    // An ended or expired session's cookie is useless; drop it.
    if (!event.locals.user) {
      clearSessionCookie(event.cookies, event.url);
      event.locals.sessionToken = null;
    }
  }

  webMetrics.httpInFlight.inc();
  let response: Response;
  try {
    response = await resolve(event);
  } finally {
    webMetrics.httpInFlight.dec();
  }
  if (event.locals.databaseDown && response.status === 500) response = asUnavailable(response);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  // Pages differ per signed-in user: no shared cache may keep them.
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'private, no-cache');
  response.headers.set('X-Request-Id', event.locals.requestId);
  const ms = performance.now() - started;
  observeRequest(event.request.method, event.route.id, response.status, ms / 1000);
  logger.http('request', {
    requestId: event.locals.requestId,
    method: event.request.method,
    route: event.route.id,
    status: response.status,
    ms: Math.round(ms * 100) / 100,
  });
  return response;
};

export const handleError: HandleServerError = ({ error, event, status, message }) => {
  const requestId = event.locals.requestId;
  if (status >= 500 && isDatabaseUnavailable(error)) {
    // Not a bug: the database is down or restarting; `handle` answers 503 with Retry-After.
    event.locals.databaseDown = true;
    logger.warn('database unavailable', { requestId, route: event.route.id, error: describe(error) });
    // A post or follow it cut off may have committed all the same: its command has told open pages to re-read.
    return { message: UNAVAILABLE_MESSAGE, requestId, status: 503 };
  }
  // 404s for unknown paths are ordinary traffic; anything else unexpected is a bug worth a stack.
  if (status >= 500) logger.error('unhandled error', { requestId, route: event.route.id, stack: describe(error) });
  return { message: status >= 500 ? 'Internal Error' : message, requestId };
};

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));
