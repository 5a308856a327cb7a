import { type RunningInternal, listenInternal } from '@minitwit/monitoring';
import { config } from './config';
import { logger } from './logger';
import { healthReport, webMetrics } from './operations';

let running: RunningInternal | undefined;

/**
 * `/healthz` and `/metrics` on WEB_INTERNAL_PORT, beside adapter-node's public
 * server: the proxy routes only the public one, and hooks.server.ts answers
 * 404 there for every spelling of these paths. Started from the server's
 * `init`, so it runs wherever the app does (its own process or `npm start`).
 */
export async function startInternalListener(): Promise<void> {
  running = await listenInternal(
    { health: healthReport, registry: webMetrics.registry, logger },
    config.WEB_INTERNAL_HOST,
    config.WEB_INTERNAL_PORT,
  );
  logger.info('web operator endpoints listening', { url: running.url });
}

export async function closeInternalListener(): Promise<void> {
  await running?.close();
  running = undefined;
}
