import { describe, expect, it } from 'vitest';
import { createServiceMetrics } from './metrics';

describe('createServiceMetrics', () => {
  it('exposes the shared families, labelled with the service, in-flight and pool starting at 0', async () => {
    const metrics = createServiceMetrics('api');
    metrics.httpRequests.inc({ method: 'GET', route: '/latest', status: '200' });
    metrics.httpDuration.observe({ method: 'GET', route: '/latest', status: '200' }, 0.002);
    const text = await metrics.registry.metrics();
    expect(text).toContain('http_requests_total{method="GET",route="/latest",status="200",service="api"} 1');
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.0025",service="api",method="GET",route="/latest",status="200"} 1',
    );
    expect(text).toContain('http_requests_in_flight{service="api"} 0');
    for (const state of ['in_use', 'idle', 'waiting', 'max']) {
      expect(text).toContain(`db_pool_connections{state="${state}",service="api"} 0`);
    }
    expect(text).toContain('process_resident_memory_bytes{service="api"}');
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds{service="api"}');
  });

  it('reads the pool and the Redis clients when scraped, not before', async () => {
    const metrics = createServiceMetrics('realtime');
    const pool = { inUse: 3, idle: 1, waiting: 2, max: 4 };
    metrics.trackDatabasePool(() => pool);
    const redis = { isReady: true };
    metrics.trackRedis('adapter-sub', redis);
    let text = await metrics.registry.metrics();
    expect(text).toContain('db_pool_connections{state="in_use",service="realtime"} 3');
    expect(text).toContain('db_pool_connections{state="waiting",service="realtime"} 2');
    expect(text).toContain('redis_connection_up{role="adapter-sub",service="realtime"} 1');
    pool.waiting = 0;
    redis.isReady = false;
    text = await metrics.registry.metrics();
    expect(text).toContain('db_pool_connections{state="waiting",service="realtime"} 0');
    expect(text).toContain('redis_connection_up{role="adapter-sub",service="realtime"} 0');
  });
});
