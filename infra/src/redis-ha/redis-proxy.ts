import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@minitwit/monitoring/testing';
import { type OwnRedis, startOwnRedis } from '@minitwit/testing';

const CONFIG = join(import.meta.dirname, '../../redis-ha/haproxy.cfg');

/** The commands a Redis proxy needs on this machine (notInstalled in ../testing/installed.ts names the absent ones). */
export const REDIS_PROXY_TOOLS = ['haproxy', 'redis-server'];

export interface RedisProxy {
  /** What the services connect to, password included. */
  url: string;
  /** HAProxy's stats page and Prometheus metrics (`/metrics`), as host:port. */
  statsTarget: string;
  /** redis-a, which the proxy prefers, and redis-b, its backup. */
  a: OwnRedis;
  b: OwnRedis;
  stop(): Promise<void>;
}

/** How long HAProxy may take to start and see both servers pass their checks. */
const READY_WITHIN_MS = 15_000;

/**
 * The stack's Redis on more than one host (docker-stack.yml), on this machine:
 * two password-protected redis-servers and HAProxy in front with
 * infra/redis-ha/haproxy.cfg as deployed. Resolves once HAProxy's own metrics
 * show both servers up (rise 2, 0.5 s apart), so clients land on redis-a.
 * If HAProxy exits or is not ready in time, it and both servers are stopped
 * and the promise rejects.
 */
export async function startRedisProxy(password: string): Promise<RedisProxy> {
  const [a, b] = await Promise.all([startOwnRedis({ password }), startOwnRedis({ password })]);
  const [port, statsPort] = [await freePort(), await freePort()];
  const proxy: ChildProcess = spawn('haproxy', ['-db', '-f', CONFIG], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      REDIS_PROXY_LISTEN: `127.0.0.1:${port}`,
      REDIS_PROXY_STATS_LISTEN: `127.0.0.1:${statsPort}`,
      REDIS_NODE_A: '127.0.0.1',
      REDIS_PORT_A: String(a.port),
      REDIS_NODE_B: '127.0.0.1',
      REDIS_PORT_B: String(b.port),
      REDIS_PASSWORD: password,
    },
  });
  const stop = async () => {
    proxy.kill('SIGTERM');
    await Promise.all([a.stop(), b.stop()]);
  };
  const statsTarget = `127.0.0.1:${statsPort}`;
  try {
    await bothServersUp(proxy, statsTarget);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://default:${password}@127.0.0.1:${port}`, statsTarget, a, b, stop };
}

/** Waits until HAProxy counts redis-a active and redis-b as its backup, both up. */
async function bothServersUp(proxy: ChildProcess, statsTarget: string): Promise<void> {
  let exited: string | undefined;
  proxy.once('exit', (code, signal) => (exited = `haproxy exited (${signal ?? code})`));
  proxy.once('error', (error) => (exited = `haproxy did not start: ${error.message}`));
  const deadline = Date.now() + READY_WITHIN_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    try {
      const metrics = await (await fetch(`http://${statsTarget}/metrics`)).text();
      const active = serverCount(metrics, 'haproxy_backend_active_servers');
      const backup = serverCount(metrics, 'haproxy_backend_backup_servers');
      if (active === 1 && backup === 1) return;
      last = `active ${active}, backup ${backup}`;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the Redis proxy did not see both servers up within ${READY_WITHIN_MS} ms (${last})`);
}

/** A gauge of the `redis` backend in HAProxy's Prometheus text, or undefined. */
function serverCount(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{proxy="redis"}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}
