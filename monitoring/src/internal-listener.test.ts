import { Gauge, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInfo } from './build-info';
import { runHealthChecks } from './health';
import { type RunningInternal, listenInternal } from './internal-listener';
import { createLogger } from './logger';
import { OPERATOR_PATH_SPELLINGS, getExactly } from './testing/operator-paths';

/** The operator endpoints of a service whose one dependency, its database, is up while `databaseUp()`. */
function listenWithDatabase(databaseUp: () => boolean, registry: Registry): Promise<RunningInternal> {
  return listenInternal(
    {
      health: () =>
        runHealthChecks({
          database: async () => {
            if (!databaseUp()) throw new Error('down');
          },
        }),
      registry,
      logger: createLogger({ service: 'internal-test', silent: true }),
    },
    '127.0.0.1',
    0,
  );
}

describe('the internal listener', () => {
  let internal: RunningInternal;
  let databaseUp = true;
  let collectorFails = false;
  const registry = new Registry();
  new Gauge({
    name: 'test_figure',
    help: 'a figure',
    registers: [registry],
    collect() {
      if (collectorFails) throw new Error('query failed');
      this.set(1);
    },
  });

  beforeAll(async () => {
    internal = await listenWithDatabase(() => databaseUp, registry);
  });
  afterAll(() => internal?.close());

  it('answers exactly GET /healthz and GET /metrics', async () => {
    const health = await getExactly(internal.url, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', checks: { database: 'ok' }, ...buildInfo() });
    const metrics = await getExactly(internal.url, '/metrics?ignored=1');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('test_figure 1');
  });

  it('answers 404 for every other spelling: one path, one answer', async () => {
    for (const path of OPERATOR_PATH_SPELLINGS.filter((p) => !/^\/(metrics|healthz)(\?|$)/.test(p))) {
      expect((await getExactly(internal.url, path)).status, path).toBe(404);
    }
  });

  it('refuses other methods, reports an unhealthy dependency and survives a failing collector', async () => {
    expect((await fetch(`${internal.url}/metrics`, { method: 'POST' })).status).toBe(405);
    databaseUp = false;
    expect((await getExactly(internal.url, '/healthz')).status).toBe(503);
    databaseUp = true;
    collectorFails = true;
    expect((await getExactly(internal.url, '/metrics')).status).toBe(500);
    collectorFails = false;
    expect((await getExactly(internal.url, '/metrics')).status).toBe(200);
  });
});

describe("the internal listener's /livez (the container healthcheck)", () => {
  let internal: RunningInternal;
  let databaseUp = false;

  beforeAll(async () => {
    internal = await listenWithDatabase(() => databaseUp, new Registry());
  });
  afterAll(() => internal?.close());

  it('is not live before the first ready answer, then stays live through a dependency outage', async () => {
    const starting = await getExactly(internal.url, '/livez');
    expect(starting.status).toBe(503);
    expect(JSON.parse(starting.body)).toEqual({ status: 'starting' });

    databaseUp = true;
    expect((await getExactly(internal.url, '/livez')).status).toBe(200);

    // The database goes away (a failover): not ready, but not worth replacing either.
    databaseUp = false;
    expect((await getExactly(internal.url, '/healthz')).status).toBe(503);
    const live = await getExactly(internal.url, '/livez');
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toEqual({ status: 'live' });
    expect((await fetch(`${internal.url}/livez`, { method: 'POST' })).status).toBe(405);
  });
});
