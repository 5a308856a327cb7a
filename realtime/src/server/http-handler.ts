import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HealthCheck, type Logger, runHealthChecks } from '@minitwit/monitoring';
import type { Registry } from 'prom-client';

/**
 * The plain HTTP routes beside Socket.IO on the same server (Socket.IO takes
 * its own path first): `/healthz` checks every dependency, `/metrics` is for
 * Prometheus. Returns its promise, so `guardRequests` sees any failure.
 */
export function httpHandler(checks: Record<string, HealthCheck>, registry: Registry, logger: Logger) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return send(response, 405, 'text/plain', 'method not allowed');
    if (path === '/healthz') {
      const { status, body } = await runHealthChecks(checks, logger);
      return send(response, status, 'application/json', JSON.stringify(body));
    }
    if (path === '/metrics') {
      let text: string;
      try {
        text = await registry.metrics();
      } catch (error) {
        logger.error('metrics collection failed', { error });
        return send(response, 500, 'text/plain', 'metrics unavailable');
      }
      return send(response, 200, registry.contentType, text);
    }
    send(response, 404, 'text/plain', 'not found');
  };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
