export { createLogger, type Logger, type LoggerOptions } from './logger';
export { createServiceMetrics, type PoolStats, type RedisState, type ServiceMetrics } from './metrics';
export { REDACTED, redact } from './redact';
export { handleShutdown } from './lifecycle';
export { logLevelSchema, parseEnv } from './env';
export { runHealthChecks, type HealthCheck, type HealthReport } from './health';
