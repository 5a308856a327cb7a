import { runHealthChecks } from '@minitwit/monitoring';
import { Router } from 'express';
import { Gauge } from 'prom-client';
import swaggerUi from 'swagger-ui-express';
import type { ApiDeps } from '../deps';
import { openApiDocument } from '../openapi/document';

/**
 * Health, metrics and the API's own documentation. No simulator auth: these
 * are for operators and are not routed publicly by the proxy.
 */
export function operationsRoutes({ db, metrics, logger, healthChecks = {} }: ApiDeps): Router {
  const router = Router();
  registerBusinessGauges(db, metrics);

  router.get('/healthz', async (_req, res) => {
    // Readiness means "writes work": the database only. The extra checks (Redis) carry live
    // updates, which a write never waits for, so they are reported but never make the API unready.
    const report = await runHealthChecks({ database: () => db.ping(), ...healthChecks }, logger, {
      optional: Object.keys(healthChecks),
    });
    res.status(report.status).json(report.body);
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  router.use('/docs', swaggerUi.serve, swaggerUi.setup(openApiDocument, { customSiteTitle: 'MiniTwit simulator API' }));
  return router;
}

/** Users, messages and follows, counted when Prometheus scrapes (not on the request path). */
function registerBusinessGauges(db: ApiDeps['db'], metrics: ApiDeps['metrics']): void {
  const gauge = new Gauge({
    name: 'minitwit_entities',
    help: 'Business figures: users, visible messages and follow relations',
    labelNames: ['kind'] as const,
    registers: [metrics.registry],
    async collect() {
      const counts = await db.stats.counts();
      this.set({ kind: 'users' }, counts.users);
      this.set({ kind: 'messages' }, counts.messages);
      this.set({ kind: 'follows' }, counts.follows);
    },
  });
  for (const kind of ['users', 'messages', 'follows']) gauge.set({ kind }, 0);
}
