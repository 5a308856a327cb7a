import type { IncomingMessage } from 'node:http';
import type { RealtimeSocket } from './types';

const NO_HEADERS = Object.freeze({}) as IncomingMessage['headers'];
/**
 * engine.io 6.6 server.js, WebSocketResponse: `socket.once("close", () => this.emit("close"))`.
 * Matched by its text because engine.io offers no way to skip or drop that stand-in response;
 * slim-socket.int.test.ts fails when the engine.io socket.io loads is another minor version or
 * no longer has this line, so an upgrade cannot make the removal stop silently.
 */
export const RESPONSE_CLOSE_LISTENER = '() => this.emit("close")';
const NO_QUERY = Object.freeze({}) as RealtimeSocket['handshake']['query'];

/**
 * Drops what a socket keeps from its handshake once the auth middleware has
 * read the session cookie: nothing reads it later, and an idle socket should
 * cost as little heap as it can (SPEC target: ≤ 11 KB; see bench/RESULTS.md).
 *
 * - `socket.handshake` holds the upgrade request's headers, its URL, query and
 *   a date string; a slim copy keeps the address and time issued.
 * - engine.io keeps the upgrade request on `socket.conn.request` (the
 *   Socket.IO docs' advice for memory is to null it), and engine.io 6.6 also
 *   keeps it reachable for the connection's life through the `close` listener
 *   its WebSocketResponse (a stand-in response for engine-level middlewares,
 *   which this server has none of) puts on the TCP socket. That listener is
 *   removed; should a later engine.io word it differently, the request is at
 *   least emptied of its headers and query.
 */
export function slimSocket(socket: RealtimeSocket): void {
  const { address, issued } = socket.handshake;
  (socket as { handshake: RealtimeSocket['handshake'] }).handshake = {
    headers: NO_HEADERS,
    time: '',
    address,
    xdomain: false,
    secure: false,
    issued,
    url: '',
    query: NO_QUERY,
    auth: {},
  };
  const conn = socket.conn as unknown as { request: (IncomingMessage & { _query?: unknown }) | null };
  const request = conn.request;
  conn.request = null;
  if (!request) return;
  const tcp = request.socket;
  for (const raw of tcp.rawListeners('close')) {
    const listener = ((raw as { listener?: unknown }).listener ?? raw) as (...args: unknown[]) => void;
    if (String(listener) === RESPONSE_CLOSE_LISTENER) tcp.removeListener('close', listener);
  }
  request.headers = NO_HEADERS;
  request.rawHeaders = [];
  request._query = undefined;
}
