import { createServer, type Server } from 'node:http';
import { closeHttpServer } from '@minitwit/monitoring';
import type { AddressInfo } from 'node:net';
import { guardRequests } from '@minitwit/realtime';
import { createApiApp } from './app';
import type { ApiDeps } from './deps';

export interface RunningApi {
  server: Server;
  url: string;
  /** Stops accepting (new connections are refused), lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

/** Serves the API on host:port (port 0 picks a free one). */
export async function listenApi(deps: ApiDeps, host: string, port: number): Promise<RunningApi> {
  const server = createServer(createApiApp(deps));
  // Express answers route errors itself; this covers anything that escapes it, so no request ends the process.
  guardRequests(server, deps.logger);
  // The simulator gives up after 0.3 s; anything slower than this is a stuck client.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () => closeHttpServer(server),
  };
}
