import { randomUUID } from 'node:crypto';
import type { Logger, ServiceMetrics } from '@minitwit/monitoring';
import type { RequestHandler, Response } from 'express';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * A request slower than this is logged at `warn` with its route, time and id
 * even when access lines are off: it is close to the simulator's 0.3 s, and
 * beside the proxy's log (which has the same id) it tells time spent in the
 * replica from time spent on the way to it.
 */
export const SLOW_REQUEST_MS = 200;

/** The request's logger, carrying its id; built on first use, since most requests never log. */
export function requestLogger(res: Response, base: Logger): Logger {
  const requestId = res.locals.requestId as string | undefined;
  return requestId ? base.child({ requestId }) : base;
}

/**
 * Gives every request an id (the proxy's X-Request-Id when it sent a sane one)
 * and records rate and latency per route template when the response
 * finishes. Access lines go out at winston's `http` level, so the default
 * `info` keeps the hot path quiet; slow requests are logged at `warn`.
 */
export function observeRequests(logger: Logger, metrics: ServiceMetrics): RequestHandler {
  const accessLog = logger.isLevelEnabled('http');
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    metrics.httpInFlight.inc();
    // `close` comes after `finish`, and also when the client goes away first: the gauge always comes back down.
    res.once('close', () => metrics.httpInFlight.dec());
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The route template, not the URL: usernames would explode the label set.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      const ms = seconds * 1000;
      if (ms > SLOW_REQUEST_MS) requestLogger(res, logger).warn('slow request', { ...labels, ms: Math.round(ms) });
      else if (accessLog) requestLogger(res, logger).http('request', { ...labels, path: req.originalUrl, ms });
    });
    next();
  };
}
