import { logLevelSchema, parseEnv } from '@minitwit/monitoring';
import { z } from 'zod';

/**
 * The launcher's own variables (where the web app and its live timelines
 * listen); each service still validates its own. The only reader of
 * process.env here.
 */
export const launcherEnvSchema = z.object({
  WEB_HOST: z.string().min(1).default('127.0.0.1'),
  WEB_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** The address people use; SvelteKit needs it to tell same-site form posts from cross-site ones. */
  ORIGIN: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: logLevelSchema,
});

export type LauncherEnv = z.infer<typeof launcherEnvSchema> & { ORIGIN: string };

export function loadLauncherEnv(): LauncherEnv {
  const env = parseEnv('launcher', launcherEnvSchema, process.env);
  return { ...env, ORIGIN: env.ORIGIN ?? `http://${env.WEB_HOST}:${env.WEB_PORT}` };
}

/**
 * adapter-node's handler reads ORIGIN from the environment when it is
 * imported; the launcher sets the value it derived before importing it.
 */
export function exportOriginForWeb(origin: string): void {
  process.env.ORIGIN = origin;
}
