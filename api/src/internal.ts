import { type InternalEndpoints, runHealthChecks } from '@minitwit/monitoring';
import { registerBusinessGauges } from './business-gauges';
import type { ApiDeps } from './deps';

/**
 * What the API shows its operators on its internal port (never the public
 * one: api/src/server.ts): health and the Prometheus registry, with the
 * business figures registered into it.
 */
export function apiInternalEndpoints({
  db,
  metrics,
  logger,
  healthChecks = {},
  countsMaxAgeMs,
}: ApiDeps): InternalEndpoints {
  registerBusinessGauges(db, metrics, countsMaxAgeMs);
  return {
    registry: metrics.registry,
    logger,
    // Readiness means "writes work": the database only. The extra checks (Redis) carry live
    // updates, which a write never waits for, so they are reported but never make the API unready.
    health: () =>
      runHealthChecks({ database: () => db.ping(), ...healthChecks }, logger, {
        optional: Object.keys(healthChecks),
      }),
  };
}
