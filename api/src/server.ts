import { createServer, type Server } from 'node:http';
import { closeHttpServer, guardRequests, listenInternal } from '@minitwit/monitoring';
import type { AddressInfo } from 'node:net';
import { createApiApp } from './app';
import type { ApiDeps } from './deps';
import { apiInternalEndpoints } from './internal';

export interface RunningApi {
  server: Server;
  url: string;
  /** The operator port: `/healthz` and `/metrics`, which the public port does not serve. */
  internalUrl: string;
  /** Stops accepting (new connections are refused), lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

/** Where the operator endpoints listen; by default a free port on the public host. */
export interface InternalAddress {
  host: string;
  port: number;
}

/** Serves the API on host:port (port 0 picks a free one) and its operator endpoints on `internal`. */
export async function listenApi(
  deps: ApiDeps,
  host: string,
  port: number,
  internal: InternalAddress = { host, port: 0 },
): Promise<RunningApi> {
  const operators = await listenInternal(apiInternalEndpoints(deps), internal.host, internal.port);
  const server = createServer(createApiApp(deps));
  // Express answers route errors itself; this covers anything that escapes it, so no request ends the process.
  guardRequests(server, deps.logger);
  // The simulator gives up after 0.3 s; anything slower than this is a stuck client.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  // The proxy's pooled connections idle out at the proxy first (2 s, infra/nginx/backends*.conf):
  // a connection this side closed could meet a POST the proxy had just sent on it (a 502).
  server.keepAliveTimeout = 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    await operators.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}`,
    internalUrl: operators.url,
    // The health port stays up until requests in flight are done: a probe meanwhile still gets an answer.
    close: () => closeHttpServer(server).finally(() => operators.close()),
  };
}
