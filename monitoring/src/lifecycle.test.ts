import { Server, createServer, request } from 'node:http';
import { type AddressInfo, Server as NetServer, type Socket, connect } from 'node:net';
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

  /**
   * The trick closeHttpServer relies on, pinned against the Node it runs on:
   * it stops an HTTP server with net.Server's close, not http.Server's, which
   * also drops idle keep-alive connections at once. If one of these fails, a
   * Node upgrade changed what the trick stands on: look at closeHttpServer again.
   */
  describe('against this Node', () => {
    /** A keep-alive connection that has had one answer and is now idle, with a way to send the next request. */
    async function idleKeepAlive(port: number): Promise<{ client: Socket; next(): Promise<string> }> {
      const client = connect(port, '127.0.0.1');
      let text = '';
      client.on('data', (chunk: Buffer) => (text += chunk.toString()));
      client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await expect.poll(() => text).toContain('answered');
      text = '';
      return {
        client,
        next: () =>
          new Promise((resolve, reject) => {
            // Dropped already: no answer.
            if (client.destroyed) return resolve('');
            client.once('close', () => resolve(text));
            client.once('error', reject);
            client.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
          }),
      };
    }

    it('an http.Server is still a net.Server', () => {
      expect(Object.getPrototypeOf(Server.prototype)).toBe(NetServer.prototype);
    });

    it("why: http.Server's own close() drops an idle keep-alive connection at once", async () => {
      const { server, port } = await listen((_request, response) => response.end('answered'));
      const { client } = await idleKeepAlive(port);
      const dropped = new Promise((resolve) => client.once('close', resolve));
      server.close();
      await dropped;
      expect(client.destroyed).toBe(true);
    });

    it('closeHttpServer refuses new connections but answers a request sent on an idle one just after', async () => {
      const { server, port } = await listen((_request, response) => response.end('answered'));
      const idle = await idleKeepAlive(port);
      const closed = closeHttpServer(server, 5_000);
      await expect.poll(() => server.listening).toBe(false);
      await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      // Sent after the port closed, inside IDLE_GRACE_MS: as a proxy reusing the connection would.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await idle.next()).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*answered$/);
      await closed;
    });

    it('closeHttpServer answers a keep-alive request during the close with Connection: close, and ends that connection', async () => {
      const { server, port } = await listen((_request, response) => response.end('answered'));
      const idle = await idleKeepAlive(port);
      const closed = closeHttpServer(server, 5_000);
      await expect.poll(() => server.listening).toBe(false);
      let text = '';
      idle.client.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const ended = new Promise((resolve) => idle.client.once('close', resolve));
      // A proxy's next request on its pooled connection, asking to keep it.
      idle.client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await ended;
      expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close\r\n[\s\S]*answered$/i);
      await closed;
    });
  });
});
