import { buildInfo } from '@minitwit/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUnderTest, startApiUnderTest } from './testing/api-under-test';
import { send } from './testing/http-client';

describe('operator endpoints', () => {
  let api: ApiUnderTest;
  let redisUp = true;
  beforeAll(async () => {
    api = await startApiUnderTest('embedded', undefined, {
      redis: async () => {
        if (!redisUp) throw new Error('connection refused');
      },
    });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('reports health per dependency; a failing Redis is a detail (200, degraded), not unready', async () => {
    const healthy = await send(api.internalUrl, { method: 'GET', path: '/healthz' });
    expect(healthy.status).toBe(200);
    expect(healthy.json).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' }, ...buildInfo() });
    redisUp = false;
    const sick = await send(api.internalUrl, { method: 'GET', path: '/healthz' });
    expect(sick.status).toBe(200);
    expect(sick.json).toEqual({
      status: 'degraded',
      checks: { database: 'ok', redis: 'failing: connection refused' },
      ...buildInfo(),
    });
    redisUp = true;
  });

  it('exposes request and business metrics for Prometheus, labelled by route template', async () => {
    await send(api.url, { method: 'GET', path: '/msgs/some%20one' });
    const metrics = await send(api.internalUrl, { method: 'GET', path: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain(
      'http_requests_total{method="GET",route="/msgs/:username",status="403",service="api"} 1',
    );
    expect(metrics.text).toMatch(/minitwit_entities\{kind="users",service="api"\} 0/);
    expect(metrics.text).toContain('http_request_duration_seconds_bucket');
  });

  it('serves its OpenAPI document and a readable docs page', async () => {
    const document = await send(api.url, { method: 'GET', path: '/openapi.json' });
    expect((document.json as { openapi: string }).openapi).toBe('3.1.0');
    const page = await send(api.url, { method: 'GET', path: '/docs/' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('MiniTwit simulator API');
  });
});
