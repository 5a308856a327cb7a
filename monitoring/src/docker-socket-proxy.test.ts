import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The log shipper's socket proxy (monitoring/docker-socket-proxy/nginx.conf)
 * run by this machine's nginx in front of a stand-in engine that answers 200
 * to everything and records what reached it: Alloy's reads pass, anything
 * else is refused by the proxy and never reaches the engine. The topology
 * tests (infra/topology/run.sh) ask the same of the real engine.
 */
const NGINX = '/usr/sbin/nginx';
const root = new URL('../../', import.meta.url).pathname;
if (!existsSync(NGINX)) console.warn('SKIPPED: docker socket proxy — nginx not installed');

const ID = '0123456789abcdef';
let dir = '';
let nginx: ReturnType<typeof spawn> | undefined;
const reached: string[] = [];
const engine = createServer((req: IncomingMessage, res) => {
  reached.push(`${req.method} ${req.url}`);
  req.resume();
  res.end('{}');
});

function ask(method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: join(dir, 'proxy.sock'), method, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(!existsSync(NGINX))('the Docker socket proxy in front of the log shipper', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'minitwit-socket-proxy-'));
    await new Promise<void>((resolve) => engine.listen(join(dir, 'engine.sock'), resolve));
    // The real config with this test's paths (`user root` only where the test runs as root).
    const config = (await readFile(join(root, 'monitoring/docker-socket-proxy/nginx.conf'), 'utf8'))
      .replace(/^user root;$/m, process.getuid?.() === 0 ? 'user root;' : '')
      .replaceAll('/tmp/', `${dir}/`)
      .replace('unix:/var/run/docker.sock', `unix:${dir}/engine.sock`)
      .replace('listen unix:/run/docker-proxy/docker.sock', `listen unix:${dir}/proxy.sock`);
    await writeFile(join(dir, 'nginx.conf'), config);
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(join(dir, 'proxy.sock')); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
  });
  afterAll(async () => {
    nginx?.kill('SIGTERM');
    await new Promise((resolve) => nginx?.once('exit', resolve));
    await new Promise((resolve) => engine.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('passes what Alloy reads: version, container and network lists, a container and its logs', async () => {
    for (const path of [
      '/_ping',
      '/version',
      '/v1.41/version',
      '/v1.41/containers/json?all=1&filters=%7B%7D',
      '/networks',
      `/containers/${ID}/json`,
      `/v1.41/containers/${ID}/logs?stdout=1&stderr=1&follow=1&since=0&timestamps=1`,
    ]) {
      reached.length = 0;
      expect(await ask('GET', path), path).toBe(200);
      expect(reached, path).toEqual([`GET ${path}`]);
    }
    expect(await ask('HEAD', '/_ping')).toBe(200);
  });

  it('refuses every write and every other read before it reaches the engine', async () => {
    reached.length = 0;
    const refused: [string, string][] = [
      ['POST', '/containers/create'],
      ['POST', '/v1.41/containers/create?name=x'],
      ['POST', '/containers/json'],
      ['POST', `/containers/${ID}/start`],
      ['POST', `/containers/${ID}/exec`],
      ['POST', `/containers/${ID}/kill`],
      ['DELETE', `/containers/${ID}`],
      ['PUT', `/containers/${ID}/archive?path=/`],
      ['POST', `/containers/${ID}/logs`],
      ['GET', `/containers/${ID}/archive?path=/run/secrets`],
      ['GET', `/containers/${ID}/export`],
      ['GET', `/containers/${ID}/attach`],
      ['GET', '/secrets'],
      ['GET', '/v1.41/secrets'],
      ['GET', '/images/json'],
      ['GET', '/info'],
      ['POST', '/build'],
      ['POST', '/swarm/leave'],
      // Spellings that mean another path once resolved.
      ['GET', '/containers/json/../../secrets'],
      ['GET', `/containers/${ID}%2F..%2F..%2Fsecrets/json`],
      ['GET', '/v1.41/containers/json/../create'],
      ['GET', '/CONTAINERS/json'],
    ];
    for (const [method, path] of refused)
      expect(await ask(method, path, method === 'GET' ? undefined : '{"Image":"x"}'), `${method} ${path}`).toBe(403);
    expect(reached).toEqual([]);
  });
});
