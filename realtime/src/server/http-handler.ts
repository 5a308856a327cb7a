import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The public port's plain HTTP, beside Socket.IO (which takes `/socket.io/`
 * first): nothing else is served there. Health and metrics listen on the
 * internal server (create-server.ts), which the proxy never routes: here
 * they were reachable through the proxy in spellings it did not block
 * (issue 19), so no spelling of them answers here at all.
 */
export function publicHttpHandler() {
  return (_request: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    response.end('not found');
  };
}
