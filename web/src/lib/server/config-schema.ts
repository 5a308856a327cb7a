import { databaseEnvSchema } from '@minitwit/db';
import { redisEnvSchema } from '@minitwit/redis';
import { z } from 'zod';

/**
 * The web app's environment: the shared database and Redis variables (the
 * publisher must use the realtime servers' Redis and channel) plus its own.
 * PORT, HOST, ORIGIN, PROTOCOL_HEADER, HOST_HEADER and ADDRESS_HEADER are read
 * by adapter-node itself; ORIGIN is validated here too because without it
 * SvelteKit cannot tell a same-site form post from a cross-site one behind
 * plain HTTP (adapter-node assumes https).
 */
export const webEnvSchema = databaseEnvSchema.extend(redisEnvSchema.shape).extend({
  /** How long a sign-in lasts, in hours (default two weeks). */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 366)
    .default(24 * 14),
  /** Sign-ups allowed from one address per hour (lib/server/auth-limits.ts); tests that register many users raise it. */
  REGISTRATIONS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().positive().default(20),
  /**
   * The operator port: `/healthz` and `/metrics` only (lib/server/internal-listener.ts),
   * never routed by the proxy; the public port answers 404 for them.
   * Loopback unless set: in Docker, 0.0.0.0 so Prometheus and the healthcheck
   * reach it. Its own default, so the services of one host do not collide.
   */
  WEB_INTERNAL_HOST: z.string().min(1).default('127.0.0.1'),
  WEB_INTERNAL_PORT: z.coerce.number().int().min(0).max(65_535).default(9310),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  ORIGIN: z
    .url({ protocol: /^https?$/ })
    .optional()
    .transform((value) => value || undefined),
});

export type WebConfig = z.infer<typeof webEnvSchema>;

/** Parses the environment or throws one readable message naming every bad variable. */
export function parseWebConfig(env: Record<string, string | undefined>): WebConfig {
  // Empty strings mean "unset", as in a .env file with `NAME=`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = webEnvSchema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Invalid web configuration:\n${problems.join('\n')}`);
}
