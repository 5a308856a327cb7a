import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawExchange, serialise } from '@minitwit/testing';
import { guardRequests } from './guard-requests';
import type { Logger } from './logger';

const logged: Array<Record<string, unknown>> = [];
/** Records what the guard logs; it only ever calls `error`. */
const logger = {
  error: (message: string, meta: Record<string, unknown>) => logged.push({ message, ...meta }),
} as unknown as Logger;

/** A real server whose listeners fail in each way a request handler can. */
async function serve(setUp: (server: Server) => void): Promise<{ server: Server; port: number }> {
  const server = createServer();
  setUp(server);
  guardRequests(server, logger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('guardRequests', () => {
  let server: Server | undefined;
  afterEach(async () => {
    logged.length = 0;
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('answers 500 and logs the stack when a listener throws', async () => {
    const served = await serve((s) =>
      s.on('request', () => {
        throw new Error('boom');
      }),
    );
    server = served.server;
    const answer = await rawExchange(served.port, serialise({ method: 'GET', target: '/x?y=1' }));
    expect(answer.status).toBe(500);
    expect(answer.body).toBe('internal error');
    expect(logged).toEqual([
      expect.objectContaining({ message: 'unhandled error in a request listener', method: 'GET', url: '/x?y=1' }),
    ]);
    expect(String(logged[0]?.stack)).toContain('Error: boom');
  });

  it('answers 500 when a listener returns a rejected promise', async () => {
    const served = await serve((s) => s.on('request', async () => Promise.reject(new Error('later'))));
    server = served.server;
    expect((await rawExchange(served.port, serialise({ method: 'GET', target: '/' }))).status).toBe(500);
  });

  it('closes the connection when the failure comes after the answer began (the issue 12 case)', async () => {
    const served = await serve((s) => {
      s.on('request', (_request, response) => {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end('first answer');
      });
      s.on('request', (_request, response) => response.writeHead(200));
    });
    server = served.server;
    const answer = await rawExchange(served.port, serialise({ method: 'GET', target: '/socket.io/' }));
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('first answer');
    expect(logged.map((entry) => entry.message)).toEqual(['unhandled error in a request listener']);
    expect(logged[0]?.code).toBe('ERR_HTTP_HEADERS_SENT');
    // Still serving.
    expect((await rawExchange(served.port, serialise({ method: 'GET', target: '/' }))).status).toBe(400);
  });

  it('refuses an upgrade whose listener throws', async () => {
    const served = await serve((s) =>
      s.on('upgrade', () => {
        throw new Error('bad upgrade');
      }),
    );
    server = served.server;
    const answer = await rawExchange(
      served.port,
      serialise({
        method: 'GET',
        target: '/',
        headers: [
          ['Connection', 'Upgrade'],
          ['Upgrade', 'websocket'],
        ],
      }),
    );
    expect(answer.status).toBe(500);
    expect(logged.map((entry) => entry.message)).toEqual(['unhandled error in an upgrade listener']);
  });
});
