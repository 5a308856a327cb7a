export { createLogger, type Logger, type LoggerOptions } from './logger';
export { createServiceMetrics, type ServiceMetrics } from './metrics';
export { handleShutdown } from './lifecycle';
export { logLevelSchema, parseEnv } from './env';
export { runHealthChecks, type HealthCheck, type HealthReport } from './health';
