import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerBuildInfo } from './build-info';
import { type PoolStats, registerPoolGauges } from './pool-metrics';
import { type RedisState, registerRedisGauge } from './redis-metrics';

/** Buckets sized for a service whose budget is a few milliseconds (the simulator gives up at 300 ms). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 1, 3];

export interface ServiceMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Requests started and not yet answered: a queue building up shows here before latency does. */
  httpInFlight: Gauge;
  /** Reports this process's database pool at every scrape (read then, not on the request path). */
  trackDatabasePool(stats: () => PoolStats | undefined): void;
  /** Reports a Redis client's connection state at every scrape, labelled by what the client is for. */
  trackRedis(role: string, client: RedisState): void;
}

/**
 * A registry per service, labelled with the service name so one Prometheus can
 * tell replicas and services apart; the process/runtime defaults come for free,
 * and `minitwit_build_info` says which build runs.
 */
export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  registerBuildInfo(registry);
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request start to response finish',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const httpInFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests received and not yet answered',
    registers: [registry],
  });
  httpInFlight.set(0);
  const trackRedis = registerRedisGauge(registry);
  const trackDatabasePool = registerPoolGauges(registry);
  return { registry, httpRequests, httpDuration, httpInFlight, trackDatabasePool, trackRedis };
}

export type { PoolStats, RedisState };
