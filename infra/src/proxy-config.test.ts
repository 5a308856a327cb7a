import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@minitwit/monitoring/testing';
import { originGuard } from '../../realtime/src/server/socket-guards';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real proxy config (infra/nginx/nginx.conf) run by the real nginx in
 * front of stand-in backends on this host, so what it passes on can be
 * checked without Docker: the topology tests (infra/topology/run.sh) then
 * check the same through the real deployment.
 */
const NGINX = '/usr/sbin/nginx';
const root = new URL('../..', import.meta.url).pathname;

if (!existsSync(NGINX)) console.warn('SKIPPED: proxy behaviour checks — nginx not installed');

describe.skipIf(!existsSync(NGINX))('the proxy in front of the realtime servers', () => {
  let dir: string;
  let nginx: ChildProcess;
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
    const backendPort = (backend.address() as AddressInfo).port;
    proxyPort = await freePort();
    const apiPort = await freePort();
    dir = await mkdtemp(join(tmpdir(), 'minitwit-proxy-'));
    // An address needs no resolver (nor nginx >= 1.27.3's `resolve`): every backend is the stand-in.
    await writeFile(
      join(dir, 'backends.conf'),
      ['web', 'api', 'realtime', 'realtime_again']
        .map((name) => `upstream ${name}_replicas { server 127.0.0.1:${backendPort}; }\n`)
        .join(''),
    );
    const config = (await readFile(join(root, 'infra/nginx/nginx.conf'), 'utf8'))
      .replace('/etc/nginx/minitwit-backends.conf', join(dir, 'backends.conf'))
      .replace('access_log /dev/stdout json;', 'access_log access.log json;')
      .replace('error_log stderr warn;', '')
      .replace('listen 80;', `listen 127.0.0.1:${proxyPort};`)
      .replace('listen 5001;', `listen 127.0.0.1:${apiPort};`);
    await writeFile(join(dir, 'nginx.conf'), config);
    nginx = spawn(
      NGINX,
      ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; pid nginx.pid; error_log error.log;'],
      { stdio: 'inherit' },
    );
    for (let attempt = 0; attempt < 50; attempt++) {
      if (
        await fetch(`http://127.0.0.1:${proxyPort}/`).then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('nginx did not start');
  });

  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    await new Promise((resolve) => backend?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
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
