import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from './logger';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => unknown;
type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => unknown;

/** Long enough to find the request in a log, short enough that a hostile 16 KB URL does not flood it. */
const LOGGED_URL_CHARS = 200;

/**
 * Makes a failing request that request's problem alone. An exception thrown
 * by any `request` or `upgrade` listener of the server (or a promise one
 * returns that rejects) would otherwise be an uncaught exception and end the
 * process, dropping every socket it holds (issue 12: a second answer to one
 * request did exactly that). Instead it is logged with its stack and the
 * request gets a 500 — or, when an answer was already under way, its
 * connection is closed.
 *
 * Call it once every listener is attached (after Socket.IO, which wraps the
 * listeners it finds): it wraps the listeners present at that moment.
 */
export function guardRequests(server: HttpServer, logger: Logger): void {
  const onRequest = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  for (const listener of onRequest) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const failed = (error: unknown) => {
        logFailure(logger, 'a request', request, error);
        answer500(response);
      };
      try {
        const result = listener.call(server, request, response);
        if (result instanceof Promise) result.catch(failed);
      } catch (error) {
        failed(error);
      }
    });
  }

  const onUpgrade = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  for (const listener of onUpgrade) {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const failed = (error: unknown) => {
        logFailure(logger, 'an upgrade', request, error);
        refuseUpgrade(socket);
      };
      try {
        const result = listener.call(server, request, socket, head);
        if (result instanceof Promise) result.catch(failed);
      } catch (error) {
        failed(error);
      }
    });
  }
}

function logFailure(logger: Logger, kind: string, request: IncomingMessage, error: unknown): void {
  logger.error(`unhandled error in ${kind} listener`, {
    method: request.method,
    url: (request.url ?? '').slice(0, LOGGED_URL_CHARS),
    code: (error as { code?: unknown } | null)?.code,
    stack: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
}

function answer500(response: ServerResponse): void {
  if (response.headersSent || response.writableEnded) {
    // Part of some answer is out already; a second one would be a second failure. End the exchange.
    response.destroy();
    return;
  }
  response.writeHead(500, { 'content-type': 'text/plain', 'cache-control': 'no-store', connection: 'close' });
  response.end('internal error');
}

function refuseUpgrade(socket: Duplex): void {
  // The socket may be closed or closing; an error on it now must not be unhandled either.
  socket.on('error', () => {});
  if (socket.writable)
    socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  else socket.destroy();
}
