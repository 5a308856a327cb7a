import { existsSync } from 'node:fs';

/**
 * Fault scenarios run against a real PostgreSQL (DATABASE_URL) and need Redis
 * (REDIS_URL, and redis-server for a private one they can kill). Without them
 * they skip loudly, as every test here does; `.ci/run` provides both.
 */
export function skipFaultScenario(what: string, needs: { build?: boolean } = {}): boolean {
  const missing: string[] = [];
  if (!process.env.DATABASE_URL) missing.push('DATABASE_URL is not set');
  if (!process.env.REDIS_URL) missing.push('REDIS_URL is not set');
  if (!existsSync('/usr/bin/redis-server')) missing.push('redis-server is not installed');
  if (needs.build && !existsSync(new URL('../../../../web/build/handler.js', import.meta.url))) {
    missing.push('the web app is not built (npm run build)');
  }
  if (missing.length === 0) return false;
  console.warn(`SKIPPED: ${what} — ${missing.join('; ')}`);
  return true;
}
