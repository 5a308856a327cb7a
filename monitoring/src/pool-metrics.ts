import { Gauge, type Registry } from 'prom-client';

/** A connection pool's state at one moment (knex/tarn under MikroORM). */
export interface PoolStats {
  /** Connections lent out to a query right now. */
  inUse: number;
  /** Open connections waiting in the pool. */
  idle: number;
  /** Callers waiting for a connection: above 0 for long means the pool is too small or the database too slow. */
  waiting: number;
  /** The pool's ceiling. */
  max: number;
}

/**
 * `db_pool_connections{state}`, read from the pool when Prometheus scrapes, so
 * it costs the request path nothing. Until a pool is tracked (the web app opens
 * its database lazily) every state reads 0.
 */
export function registerPoolGauges(registry: Registry): (stats: () => PoolStats | undefined) => void {
  let read: () => PoolStats | undefined = () => undefined;
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state: in_use, idle, waiting (callers queued for one) and max',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = read();
      this.set({ state: 'in_use' }, stats?.inUse ?? 0);
      this.set({ state: 'idle' }, stats?.idle ?? 0);
      this.set({ state: 'waiting' }, stats?.waiting ?? 0);
      this.set({ state: 'max' }, stats?.max ?? 0);
    },
  });
  return (stats) => {
    read = stats;
  };
}
