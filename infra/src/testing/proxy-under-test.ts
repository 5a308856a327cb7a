import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@minitwit/monitoring/testing';
import { type Upstream, upstreams } from './nginx-upstreams';

export const NGINX = '/usr/sbin/nginx';
export const nginxMissing = !existsSync(NGINX);
const root = new URL('../../..', import.meta.url).pathname;

export interface ProxyUnderTest {
  /** The web port (80 when deployed): pages and /socket.io/. */
  webUrl: string;
  /** The simulator API's port (5001 when deployed). */
  apiUrl: string;
  stop(): Promise<void>;
}

/**
 * The real proxy config (infra/nginx/nginx.conf) run by the real nginx on
 * this host, every upstream pointing at `backendPort` (an address needs no
 * resolver, nor nginx >= 1.27.3's `resolve`), each server with the failure
 * accounting, balancing method and keepalive backends.conf gives it. Only what cannot work here is replaced:
 * the backends' addresses, the log destinations and the listen ports.
 */
export async function startProxy(
  backendPort: number,
  /** Several api replicas instead: each its own server line, with the failure accounting backends.conf gives api. */
  { apiPorts = [backendPort] }: { apiPorts?: number[] } = {},
): Promise<ProxyUnderTest> {
  const webPort = await freePort();
  const apiPort = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'minitwit-proxy-'));
  let nginx: ChildProcess | undefined;
  const stop = async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const deployed = await readFile(join(root, 'infra/nginx/backends.conf'), 'utf8');
    await writeFile(
      join(dir, 'backends.conf'),
      ['web', 'api', 'realtime', 'realtime_again']
        .map((name) => {
          const ports = name === 'api' ? apiPorts : [backendPort];
          const upstream = deployedUpstream(deployed, name);
          const servers = ports.map((port) => `server 127.0.0.1:${port}${serverParameters(upstream)};`);
          // The balancing method and keepalive as deployed, in their order (nginx wants the method first).
          return `upstream ${name}_replicas { zone ${name}_replicas 64k; ${[...servers, ...upstream.directives].join(' ')} }\n`;
        })
        .join(''),
    );
    const config = (await readFile(join(root, 'infra/nginx/nginx.conf'), 'utf8'))
      .replace('/etc/nginx/minitwit-backends.conf', join(dir, 'backends.conf'))
      .replace('access_log /dev/stdout json;', 'access_log access.log json;')
      .replace('error_log stderr warn;', '')
      .replace('listen 80;', `listen 127.0.0.1:${webPort};`)
      .replace('listen 5001;', `listen 127.0.0.1:${apiPort};`);
    await writeFile(join(dir, 'nginx.conf'), config);
    nginx = spawn(
      NGINX,
      ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; pid nginx.pid; error_log error.log;'],
      { stdio: 'inherit' },
    );
    const webUrl = `http://127.0.0.1:${webPort}`;
    for (let attempt = 0; ; attempt++) {
      if (
        await fetch(`${webUrl}/`).then(
          () => true,
          () => false,
        )
      )
        break;
      if (attempt >= 50 || nginx.exitCode !== null) throw new Error('nginx did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { webUrl, apiUrl: `http://127.0.0.1:${apiPort}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** An upstream of the deployed backends.conf, which must name its replica with `resolve`. */
function deployedUpstream(backends: string, name: string): Upstream {
  const upstream = upstreams(backends).find((candidate) => candidate.name === `${name}_replicas`);
  if (!upstream?.servers[0]?.includes(' resolve'))
    throw new Error(`backends.conf has no upstream ${name}_replicas with a resolving server`);
  return upstream;
}

/** The failure accounting (` max_fails=… fail_timeout=…`) of the upstream's server. */
function serverParameters(upstream: Upstream): string {
  const server = upstream.servers[0]!;
  return server.slice(server.indexOf(' resolve') + ' resolve'.length);
}
