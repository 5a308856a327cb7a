import { createServiceMetrics } from '@minitwit/monitoring';
import { pingRedis } from '@minitwit/realtime';
import { database } from './database';
import { publisherRedis } from './publisher';

/** The web app's Prometheus registry: HTTP rate and latency by route id, and the process defaults. */
export const webMetrics = createServiceMetrics('web');

/** Records one answered request, labelled by SvelteKit route id (not the URL: usernames would explode it). */
export function observeRequest(method: string, routeId: string | null, status: number, seconds: number): void {
  const labels = { method, route: routeId ?? 'unmatched', status: String(status) };
  webMetrics.httpRequests.inc(labels);
  webMetrics.httpDuration.observe(labels, seconds);
}

/** `GET /metrics`: for Prometheus; the proxy does not route it publicly. */
export async function metricsResponse(): Promise<Response> {
  return new Response(await webMetrics.registry.metrics(), {
    headers: { 'Content-Type': webMetrics.registry.contentType },
  });
}

/** `GET /healthz`: 200 when the database (and Redis, when configured) answer, else 503 naming what failed. */
export async function healthResponse(): Promise<Response> {
  const checks: Record<string, () => Promise<void>> = { database: async () => (await database()).ping() };
  const redis = await publisherRedis();
  if (redis) checks.redis = () => pingRedis(redis, 1_000);
  const results: Record<string, string> = {};
  let healthy = true;
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await check();
        results[name] = 'ok';
      } catch (error) {
        healthy = false;
        results[name] = error instanceof Error ? error.message : 'failed';
      }
    }),
  );
  return Response.json({ status: healthy ? 'ok' : 'unavailable', checks: results }, { status: healthy ? 200 : 503 });
}
