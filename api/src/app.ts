import { isDatabaseUnavailable } from '@minitwit/db';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { ApiDeps } from './deps';
import { ApiError, toErrorBody } from './http/api-error';
import { latestOf } from './http/latest';
import { observeRequests, requestLogger } from './http/observe';
import { operationsRoutes } from './routes/operations';
import { simulatorRoutes } from './routes/simulator';

/** Builds the simulator API without listening, so tests serve it on a random port. */
export function createApiApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Every answer is computed fresh; hashing bodies for ETags is wasted work on the hot path.
  app.set('etag', false);
  // The client's address (per-address limits) is the one the trusted proxy saw, never what the client claims.
  if (deps.trustProxyHops) app.set('trust proxy', deps.trustProxyHops);
  // One spelling per route: `/Msgs` or `/latest/` are not routes. (Before issue 19, `/METRICS` and
  // `/metrics/` answered as `/metrics` while the proxy blocked only the exact path.) Routers made
  // with `Router()` keep their own defaults; this covers routes on the app itself.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.use(observeRequests(deps.logger, deps.metrics));
  app.use(operationsRoutes());
  app.use(simulatorRoutes(deps));
  app.use((_req, _res, next) => next(new ApiError(404, 'Not found')));
  app.use(errorHandler(deps));
  return app;
}

/**
 * The one place errors become HTTP answers: contract errors keep their status
 * and text; anything else is logged with its stack and answered with a
 * generic 500, except a database that cannot be reached: a 503 with
 * Retry-After. A refused request still records its `latest`.
 */
function errorHandler({ db, logger }: ApiDeps): ErrorRequestHandler {
  return async (error: unknown, _req, res, _next) => {
    const log = requestLogger(res, logger);
    const latest = latestOf(res);
    const databaseDown = isDatabaseUnavailable(error);
    // With the database gone, a second attempt only doubles the wait before the 503.
    if (latest !== undefined && !databaseDown) {
      try {
        await db.simulator.setLatest(latest);
      } catch (recordError) {
        log.error('could not record latest', { error: recordError });
      }
    }
    let body = toErrorBody(error);
    if (!body && databaseDown) {
      // Not a bug: the database is down or restarting. Nothing was acknowledged; the client may retry.
      // A write it cut off may have committed all the same: its command has told open pages to re-read.
      log.warn('database unavailable', { error: error instanceof Error ? error.message : String(error) });
      body = { status: 503, error_msg: 'The database is unavailable, try again shortly' };
    } else if (!body) {
      log.error('unhandled error', { error });
      body = { status: 500, error_msg: 'Internal server error' };
    } else if (body.status >= 400) {
      log.info('request refused', { status: body.status, error_msg: body.error_msg });
    }
    if (res.headersSent) return;
    if (body.status === 503) res.setHeader('Retry-After', '1');
    res.status(body.status).json(body);
  };
}
