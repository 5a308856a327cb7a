import type { Database } from '@minitwit/db';
import type { ServiceMetrics } from '@minitwit/monitoring';
import { Gauge } from 'prom-client';
import { refreshAtMost } from './refresh-at-most';

/** How old the counted figures may be when Prometheus scrapes; the default of API_COUNTS_MAX_AGE_SECONDS. */
export const COUNTS_MAX_AGE_MS = 30_000;

/**
 * Users, messages, follows and flagged messages, the simulator's `latest`,
 * and the pool, reported when Prometheus scrapes (never on the request path).
 *
 * The four figures are full COUNTs: on the simulator's millions of messages
 * each is a scan, and every scrape of every replica would run them again (and
 * did for anyone until issue 19, when /metrics was reachable from outside).
 * They are cached instead of estimated: pg_class.reltuples has no `flagged`
 * split, and the embedded database runs no autovacuum to keep it current.
 * So they are counted at most once per `maxAgeMs` per process, one count in
 * flight, whoever asks how often; a business figure a few scrapes old is
 * fine on a dashboard. `latest` is one row by key and stays fresh.
 */
export function registerBusinessGauges(db: Database, metrics: ServiceMetrics, maxAgeMs = COUNTS_MAX_AGE_MS): void {
  const kinds = ['users', 'messages', 'follows', 'flagged'] as const;
  const counts = refreshAtMost(() => db.stats.counts(), maxAgeMs);
  const gauge = new Gauge({
    name: 'minitwit_entities',
    help: 'Business figures: users, visible messages, follow relations and flagged messages (counted at most every API_COUNTS_MAX_AGE_SECONDS)',
    labelNames: ['kind'] as const,
    registers: [metrics.registry],
    async collect() {
      const figures = await counts();
      for (const kind of kinds) this.set({ kind }, figures[kind]);
    },
  });
  const latest = new Gauge({
    name: 'minitwit_simulator_latest',
    help: 'The last `latest` value the simulator sent',
    registers: [metrics.registry],
    async collect() {
      this.set(await db.simulator.getLatest());
    },
  });
  for (const kind of kinds) gauge.set({ kind }, 0);
  latest.set(0);
  metrics.trackDatabasePool(() => db.poolStats());
}
