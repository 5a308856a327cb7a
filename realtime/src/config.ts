import { databaseEnvSchema } from '@minitwit/db';
import { logLevelSchema, parseEnv } from '@minitwit/monitoring';
import { redisEnvSchema } from '@minitwit/redis';
import { z } from 'zod';
import { DEFAULT_HEARTBEAT } from './heartbeat';
import { DEFAULT_SOCKET_CAPS, type SocketCaps } from './server/socket-caps';

/**
 * The realtime service's environment, the only reader of `process.env` in
 * realtime/. Every variable is documented in `.env.example`.
 */
export const realtimeEnvSchema = databaseEnvSchema.extend(redisEnvSchema.shape).extend({
  REALTIME_PORT: z.coerce.number().int().min(0).max(65535).default(5002),
  REALTIME_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * The operator port: `/healthz` and `/metrics` only, never routed by the
   * proxy (the public port does not serve them). Loopback unless set: in
   * Docker, 0.0.0.0 so Prometheus and the healthcheck reach it. Its own
   * default, so the services of one host do not collide; several realtime
   * servers on one host each need their own (0 picks a free one).
   */
  REALTIME_INTERNAL_HOST: z.string().min(1).default('127.0.0.1'),
  REALTIME_INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).default(9312),
  /** Browser origins allowed to connect cross-origin (comma-separated); empty means same origin only. */
  REALTIME_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  /** Socket.IO heartbeat (realtime/src/heartbeat.ts says why the defaults). */
  REALTIME_PING_INTERVAL_MS: z.coerce.number().int().min(500).max(300_000).default(DEFAULT_HEARTBEAT.intervalMs),
  REALTIME_PING_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(DEFAULT_HEARTBEAT.timeoutMs),
  /** Live sockets one web session / one address may hold over all servers (socket-caps.ts); 0: no cap. */
  REALTIME_MAX_SOCKETS_PER_SESSION: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_SOCKET_CAPS.perSession),
  REALTIME_MAX_SOCKETS_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(DEFAULT_SOCKET_CAPS.perAddress),
  /** Proxies in front that append the client's address to X-Forwarded-For (nginx: 1); 0 trusts no header. */
  REALTIME_TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(DEFAULT_SOCKET_CAPS.trustedProxyHops),
  LOG_LEVEL: logLevelSchema,
});

export type RealtimeConfig = z.infer<typeof realtimeEnvSchema>;

/** Parses an environment; throws one readable message listing every bad variable. */
export function parseRealtimeConfig(env: Record<string, string | undefined>): RealtimeConfig {
  return parseEnv('realtime', realtimeEnvSchema, env);
}

/** The socket caps a configuration asks for. */
export const socketCapsFrom = (config: RealtimeConfig): SocketCaps => ({
  perSession: config.REALTIME_MAX_SOCKETS_PER_SESSION,
  perAddress: config.REALTIME_MAX_SOCKETS_PER_ADDRESS,
  trustedProxyHops: config.REALTIME_TRUST_PROXY_HOPS,
});

/** The process environment, parsed once, on first use. */
export function loadRealtimeConfig(): RealtimeConfig {
  return parseRealtimeConfig(process.env);
}
