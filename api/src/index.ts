export { createApiApp } from './app';
export { apiEnvSchema, loadApiEnv, type ApiEnv } from './config';
export type { ApiDeps } from './deps';
export { listenApi, type RunningApi } from './server';
export { databaseRegistrationLimit, registrationRule } from './http/registration-limit';
