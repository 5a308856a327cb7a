import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { buildInfo } from './build-info';
import type { HealthReport } from './health';
import { closeHttpServer } from './lifecycle';
import type { Logger } from './logger';

/** What a service shows its operators: its health report and its Prometheus registry. */
export interface InternalEndpoints {
  health(): Promise<HealthReport>;
  registry: Registry;
  logger: Logger;
}

export interface RunningInternal {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The operator port's requests: exactly `GET /healthz`, `GET /livez` and `GET /metrics`
 * (the query string ignored), nothing else. These used to sit beside the
 * public routes, where each router's own idea of a path (Express: any case
 * and a trailing slash; SvelteKit: `/__data.json` stripped) let spellings the
 * proxy did not block reach them (issue 19). On a port of their own that the
 * proxy never routes, there is no spelling to get wrong; this one still
 * compares exactly so that the internal port has one answer per path too.
 */
export function internalRequestHandler({ health, registry, logger }: InternalEndpoints) {
  /**
   * `/livez`, the container healthcheck's question: is this process worth keeping? Yes once
   * it has been ready (every required dependency answered) and as long as it answers at all.
   * Not `/healthz`: a database failover or a Redis outage longer than the healthcheck's
   * retries made it fail in every replica at once, and Swarm replaced them all together
   * (seen in the multi-host failover: both api replicas restarted 18 s into it, and writes came
   * back 10 s after the new primary), when they were answering fast 503s as they should.
   * Before its first ready answer a new task is not live, so a rolling update still waits for
   * one that reaches its dependencies.
   */
  let beenReady = false;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/livez' && path !== '/metrics') {
      return send(response, 404, 'text/plain', 'not found');
    }
    if (request.method !== 'GET') return send(response, 405, 'text/plain', 'method not allowed');
    try {
      if (path === '/livez' && beenReady) return send(response, 200, 'application/json', '{"status":"live"}');
      if (path === '/healthz' || path === '/livez') {
        const report = await health();
        beenReady ||= report.healthy;
        if (path === '/livez') {
          return send(
            response,
            report.status,
            'application/json',
            JSON.stringify({ status: report.healthy ? 'live' : 'starting' }),
          );
        }
        // The running build beside the checks: a rolling deploy is watched by asking each replica.
        const { version, revision } = buildInfo();
        return send(response, report.status, 'application/json', JSON.stringify({ ...report.body, version, revision }));
      }
      send(response, 200, registry.contentType, await registry.metrics());
    } catch (error) {
      // A failing collector (a gauge whose query threw) must not end the process nor hang the scrape.
      logger.error('operator endpoint failed', { path, error });
      if (!response.headersSent) send(response, 500, 'text/plain', 'unavailable');
      else response.destroy();
    }
  };
}

/** Serves the operator endpoints on host:port (0 picks a free one) until `close()`. */
export async function listenInternal(
  endpoints: InternalEndpoints,
  host: string,
  port: number,
): Promise<RunningInternal> {
  const server = createServer(internalRequestHandler(endpoints));
  // Prometheus and the healthchecks ask every few seconds; a client that sends nothing is dropped.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    // Nothing long-lived runs here: a short grace is enough for a scrape in flight.
    close: () => closeHttpServer(server, 2_000),
  };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
