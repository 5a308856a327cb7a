import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeHttpServer } from './lifecycle';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('closeHttpServer', () => {
  it('lets a request in flight finish, then refuses new connections', async () => {
    let answer: (() => void) | undefined;
    const { server, port } = await listen((_request, response) => {
      answer = () => response.end('late');
    });
    const inFlight = get(port);
    await expect.poll(() => answer).toBeDefined();

    const closed = closeHttpServer(server, 5_000);
    await expect.poll(() => server.listening).toBe(false);
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    answer?.();
    expect(await inFlight).toBe(200);
    await closed;
  });

  it('resolves when another owner (Socket.IO on a shared server) closed it first', async () => {
    const { server } = await listen((_request, response) => response.end());
    const closed = closeHttpServer(server, 5_000);
    // Synchronously, before closeHttpServer's deferred close runs: io.close() does this.
    server.close();
    await expect(closed).resolves.toBeUndefined();
  });
});
