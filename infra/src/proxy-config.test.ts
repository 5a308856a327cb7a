import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { originGuard } from '../../realtime/src/server/socket-guards';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyUnderTest, nginxMissing, startProxy } from './testing/proxy-under-test';

/**
 * The real proxy config (infra/nginx/nginx.conf) run by the real nginx in
 * front of stand-in backends on this host, so what it passes on can be
 * checked without Docker: the topology tests (infra/topology/run.sh) then
 * check the same through the real deployment.
 */
if (nginxMissing) console.warn('SKIPPED: proxy behaviour checks — nginx not installed');

describe.skipIf(nginxMissing)('the proxy in front of the realtime servers', () => {
  let proxy: ProxyUnderTest;
  let backend: Server;
  let proxyPort: number;
  const seen: IncomingMessage['headers'][] = [];

  beforeAll(async () => {
    // A realtime server's handshake check, as the real one applies it (Socket.IO's allowRequest).
    const guard = originGuard([]);
    backend = createServer((request, response) => {
      seen.push(request.headers);
      guard(request, (error, ok) => response.writeHead(ok ? 200 : 403).end(error ?? 'ok'));
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    proxy = await startProxy((backend.address() as AddressInfo).port);
    proxyPort = Number(new URL(proxy.webUrl).port);
  });

  afterAll(async () => {
    await proxy?.stop();
    await new Promise((resolve) => backend?.close(resolve));
  });

  it('passes the Host a browser used, port included, so a page on a non-default port may open a socket', async () => {
    const origin = `http://127.0.0.1:${proxyPort}`;
    const response = await fetch(`${origin}/socket.io/?EIO=4&transport=websocket`, { headers: { Origin: origin } });
    expect(seen.at(-1)?.host).toBe(`127.0.0.1:${proxyPort}`);
    expect(response.status).toBe(200);
  });

  it('still refuses a page from another site', async () => {
    const response = await fetch(`http://127.0.0.1:${proxyPort}/socket.io/?EIO=4&transport=websocket`, {
      headers: { Origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
  });
});
