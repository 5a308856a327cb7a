import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HealthCheck, type Logger, runHealthChecks } from '@minitwit/monitoring';
import type { Registry } from 'prom-client';

/**
 * The plain HTTP routes beside Socket.IO on the same server (Socket.IO takes
 * its own path first): `/healthz` checks every dependency, `/metrics` is for
 * Prometheus.
 */
export function httpHandler(checks: Record<string, HealthCheck>, registry: Registry, logger: Logger) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return send(response, 405, 'text/plain', 'method not allowed');
    if (path === '/healthz') {
      void runHealthChecks(checks, logger).then(({ status, body }) =>
        send(response, status, 'application/json', JSON.stringify(body)),
      );
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => send(response, 200, registry.contentType, text),
        (error: unknown) => {
          logger.error('metrics collection failed', { error });
          send(response, 500, 'text/plain', 'metrics unavailable');
        },
      );
      return;
    }
    send(response, 404, 'text/plain', 'not found');
  };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
