import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getExactly, unrefusedSpellings } from '@minitwit/monitoring/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyUnderTest, nginxMissing, startProxy } from './testing/proxy-under-test';

if (nginxMissing) console.warn('SKIPPED: proxy attack checks — nginx not installed');

/**
 * Issue 19, findings 1 and 9, against the real nginx config: in front of a
 * backend that would answer *anything* with metrics (the worst a replica
 * could do), no spelling of `/metrics` or `/healthz` gets past the proxy on
 * either public port, and nginx names no version.
 */
describe.skipIf(nginxMissing)('the proxy against an attacker', () => {
  let proxy: ProxyUnderTest;
  let backend: Server;
  const reached: string[] = [];

  beforeAll(async () => {
    backend = createServer((request, response) => {
      reached.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'text/plain' }).end('# HELP leaked a figure\nleaked 1\n');
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    proxy = await startProxy((backend.address() as AddressInfo).port);
  });
  afterAll(async () => {
    await proxy?.stop();
    await new Promise((resolve) => backend?.close(resolve));
  });

  it('passes ordinary requests on (the stand-in answers them)', async () => {
    expect((await getExactly(proxy.webUrl, '/public')).status).toBe(200);
    expect((await getExactly(proxy.apiUrl, '/latest')).status).toBe(200);
  });

  it.each([
    ['web port', () => proxy.webUrl],
    ['API port', () => proxy.apiUrl],
  ])('refuses every spelling of the operator endpoints on the %s, and none reaches a replica', async (_port, url) => {
    reached.length = 0;
    expect(await unrefusedSpellings(url())).toEqual([]);
    expect(reached).toEqual([]);
  });

  it('names no version: not in the Server header, not on its own error pages (server_tokens off)', async () => {
    for (const answer of [
      await getExactly(proxy.webUrl, '/METRICS'),
      await getExactly(proxy.webUrl, '/public'),
      await getExactly(proxy.apiUrl, '/%'),
    ]) {
      expect(answer.headers.server).toBe('nginx');
      expect(answer.body).not.toMatch(/nginx\/\d/);
    }
  });
});
