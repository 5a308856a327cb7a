import type { Logger } from './logger';

/** A dependency check: resolves when the dependency answers. */
export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  healthy: boolean;
  /** 200 when every required check passed (optional ones may fail), else 503. */
  status: 200 | 503;
  /** `degraded`: ready, but an optional dependency is failing (named in `checks`). */
  body: { status: 'ok' | 'degraded' | 'unavailable'; checks: Record<string, string> };
}

export interface HealthOptions {
  /**
   * Checks whose failure is reported but does not make the service unready:
   * dependencies the service's requests do not need (the API's and web's Redis
   * only carries live updates; writes commit and answer without it).
   */
  optional?: readonly string[];
}

/** A dependency slower than this counts as down: a health probe must answer quickly. */
const CHECK_TIMEOUT_MS = 1_000;

function withTimeout(check: HealthCheck): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    check(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Runs every service's `/healthz` checks at once; the body names each dependency and what failed. */
export async function runHealthChecks(
  checks: Record<string, HealthCheck>,
  logger?: Logger,
  options: HealthOptions = {},
): Promise<HealthReport> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check);
        return [name, 'ok'] as const;
      } catch (error) {
        logger?.warn('health check failed', { check: name, error });
        return [name, `failing: ${error instanceof Error ? error.message : String(error)}`] as const;
      }
    }),
  );
  const optional = new Set(options.optional);
  const failing = results.filter(([, state]) => state !== 'ok').map(([name]) => name);
  const healthy = failing.every((name) => optional.has(name));
  const status = !healthy ? 'unavailable' : failing.length > 0 ? 'degraded' : 'ok';
  return { healthy, status: healthy ? 200 : 503, body: { status, checks: Object.fromEntries(results) } };
}
