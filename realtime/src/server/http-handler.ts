import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@minitwit/monitoring';
import type { Registry } from 'prom-client';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 1_000;

function withTimeout(check: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    check(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The plain HTTP routes beside Socket.IO on the same server (Socket.IO takes
 * its own path first): `/healthz` checks every dependency, `/metrics` is for
 * Prometheus.
 */
export function httpHandler(checks: HealthCheck[], registry: Registry, logger: Logger) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return send(response, 405, 'text/plain', 'method not allowed');
    if (path === '/healthz') {
      void health(checks, logger).then(({ healthy, body }) =>
        send(response, healthy ? 200 : 503, 'application/json', JSON.stringify(body)),
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

async function health(checks: HealthCheck[], logger: Logger) {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await withTimeout(check);
        return [name, 'ok'] as const;
      } catch (error) {
        logger.warn('health check failed', { check: name, error });
        return [name, 'failing'] as const;
      }
    }),
  );
  const healthy = results.every(([, state]) => state === 'ok');
  return { healthy, body: { status: healthy ? 'ok' : 'failing', checks: Object.fromEntries(results) } };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
