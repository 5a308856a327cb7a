import type { BusinessCounts } from '@minitwit/db';
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

/**
 * Users, messages, follows, flagged messages and the simulator's `latest`,
 * counted when Prometheus scrapes (not on the request path); the pool too.
 */
function registerBusinessGauges(db: ApiDeps['db'], metrics: ApiDeps['metrics']): void {
  const kinds = ['users', 'messages', 'follows', 'flagged'] as const;
  // One query per scrape feeds both gauges, which prom-client collects side by side.
  let pending: Promise<BusinessCounts> | undefined;
  const counts = () => {
    pending ??= db.stats.counts().finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  const gauge = new Gauge({
    name: 'minitwit_entities',
    help: 'Business figures: users, visible messages, follow relations and flagged messages',
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
      this.set((await counts()).latest);
    },
  });
  for (const kind of kinds) gauge.set({ kind }, 0);
  latest.set(0);
  metrics.trackDatabasePool(() => db.poolStats());
}
