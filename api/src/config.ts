import { databaseEnvSchema } from '@minitwit/db';
import { logLevelSchema, parseEnv } from '@minitwit/monitoring';
import { redisEnvSchema } from '@minitwit/redis';
import { z } from 'zod';

/**
 * The API's whole configuration, from the environment, validated once at
 * start. The only reader of process.env in this service.
 */
export const apiEnvSchema = databaseEnvSchema.extend(redisEnvSchema.shape).extend({
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(5001),
  /**
   * The operator port: `/healthz` and `/metrics` only, never routed by the
   * proxy (the public port does not serve them). Loopback unless set: in
   * Docker, 0.0.0.0 so Prometheus and the healthcheck reach it. Its own
   * default port, so the services of `npm start` on one host do not collide.
   */
  API_INTERNAL_HOST: z.string().min(1).default('127.0.0.1'),
  API_INTERNAL_PORT: z.coerce.number().int().min(0).max(65_535).default(9311),
  /** How old the counted business figures may be when Prometheus scrapes (api/src/business-gauges.ts says why). */
  API_COUNTS_MAX_AGE_SECONDS: z.coerce.number().min(0).max(86_400).default(30),
  /**
   * `user:password` the simulator sends as HTTP Basic auth. The default is the
   * course's published pair, fine locally; set your own in any deployment.
   */
  SIMULATOR_CREDENTIALS: z
    .string()
    .regex(/^[^:]+:.+$/, 'must look like user:password')
    .default('simulator:super_safe!'),
  /**
   * Registrations an address may make per hour without the simulator's
   * credentials (each costs an argon2 hash); with them, never limited.
   */
  API_REGISTRATIONS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().positive().default(20),
  /**
   * Proxies in front of the API that append the client's address to
   * X-Forwarded-For (nginx: 1). 0 trusts no header: the peer is the client.
   */
  API_TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  LOG_LEVEL: logLevelSchema,
});

export type ApiEnv = z.infer<typeof apiEnvSchema>;

export function loadApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseEnv('API', apiEnvSchema, source);
}
