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

/**
 * The stack's Redis on more than one host (docker-stack.yml), on this machine:
 * two password-protected redis-servers and HAProxy in front with
 * infra/redis-ha/haproxy.cfg as deployed. Resolves once both servers have
 * passed their checks (rise 2, 0.5 s apart), so clients land on redis-a.
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
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return {
    url: `redis://default:${password}@127.0.0.1:${port}`,
    statsTarget: `127.0.0.1:${statsPort}`,
    a,
    b,
    async stop() {
      proxy.kill('SIGTERM');
      await Promise.all([a.stop(), b.stop()]);
    },
  };
}
