import { type HealthCheck, type HealthReport, createServiceMetrics, runHealthChecks } from '@minitwit/monitoring';
import { pingRedis } from '@minitwit/redis';
import { database } from './database';
import { logger } from './logger';
import { publisherRedis } from './publisher';

/** The web app's Prometheus registry: HTTP rate and latency by route id, and the process defaults. */
export const webMetrics = createServiceMetrics('web');

/** The database pool and the publisher's Redis client, reported at every scrape; called once the app is up. */
export async function trackDependencies(): Promise<void> {
  const db = await database();
  webMetrics.trackDatabasePool(() => db.poolStats());
  const redis = await publisherRedis();
  if (redis) webMetrics.trackRedis('publisher', redis);
}

/** Records one answered request, labelled by SvelteKit route id (not the URL: usernames would explode it). */
export function observeRequest(method: string, routeId: string | null, status: number, seconds: number): void {
  const labels = { method, route: routeId ?? 'unmatched', status: String(status) };
  webMetrics.httpRequests.inc(labels);
  webMetrics.httpDuration.observe(labels, seconds);
}

/**
 * The health report of the internal port's `/healthz`: 200 when the database
 * answers, else 503. Redis (when configured) is reported but optional: it
 * only carries live updates, and a write never waits for it, so a Redis
 * outage must not take the web app out of the proxy's rotation.
 */
export async function healthReport(): Promise<HealthReport> {
  const checks: Record<string, HealthCheck> = { database: async () => (await database()).ping() };
  const redis = await publisherRedis();
  if (redis) checks.redis = () => pingRedis(redis, 1_000);
  return runHealthChecks(checks, logger, { optional: ['redis'] });
}
