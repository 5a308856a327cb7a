import { Gauge, type Registry } from 'prom-client';

/** What the gauge reads from a Redis client: node-redis's own flags. */
export interface RedisState {
  /** Connected and past the handshake: commands go out now. */
  readonly isReady: boolean;
}

/**
 * `redis_connection_up{role}`: 1 while a client is ready, 0 while it is down
 * and reconnecting, read at every scrape. Roles name what a client is for
 * (`publisher`, `adapter-pub`, `adapter-sub`): a realtime server whose
 * subscriber is down silently stops hearing the other servers.
 */
export function registerRedisGauge(registry: Registry): (role: string, client: RedisState) => void {
  const clients = new Map<string, RedisState>();
  new Gauge({
    name: 'redis_connection_up',
    help: 'Whether each of this process’s Redis clients is connected (1) or reconnecting (0), by role',
    labelNames: ['role'] as const,
    registers: [registry],
    collect() {
      for (const [role, client] of clients) this.set({ role }, client.isReady ? 1 : 0);
    },
  });
  return (role, client) => {
    clients.set(role, client);
  };
}
