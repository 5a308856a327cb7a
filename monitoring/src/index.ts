export { createLogger, type Logger, type LoggerOptions } from './logger';
export { createServiceMetrics, type PoolStats, type RedisState, type ServiceMetrics } from './metrics';
export { REDACTED, redact } from './redact';
export { DRAIN_GRACE_MS, closeHttpServer, handleShutdown, trackInFlight } from './lifecycle';
export { guardRequests } from './guard-requests';
export { logLevelSchema, parseEnv } from './env';
export { type BuildInfo, buildInfo, parseBuildInfo, registerBuildInfo } from './build-info';
export { runHealthChecks, type HealthCheck, type HealthOptions, type HealthReport } from './health';
export {
  internalRequestHandler,
  listenInternal,
  type InternalEndpoints,
  type RunningInternal,
} from './internal-listener';
