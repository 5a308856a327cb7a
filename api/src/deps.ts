import type { Database, TimelinePublisher } from '@minitwit/db';
import type { Logger, ServiceMetrics } from '@minitwit/monitoring';
import type { Limit } from '@minitwit/redis';

/** Everything the API app needs, handed in so tests build it on a fresh database. */
export interface ApiDeps {
  db: Database;
  publisher: TimelinePublisher;
  logger: Logger;
  metrics: ServiceMetrics;
  /** `user:password` of the simulator's Basic auth. */
  simulatorCredentials: string;
  /**
   * Counts `/register` calls without the simulator's credentials per address
   * (http/registration-limit.ts); when absent, one counted in `db` with the
   * default allowance, so an API is never without it.
   */
  registrationLimit?: Limit;
  /** Proxies in front that append the client's address to X-Forwarded-For (API_TRUST_PROXY_HOPS); default 0. */
  trustProxyHops?: number;
  /** Extra health checks (e.g. Redis) beside the database: reported in `/healthz`, never fatal to readiness. */
  healthChecks?: Record<string, () => Promise<void>>;
  /** How old the counted business figures may be at a scrape (api/src/business-gauges.ts); 30 s when not given. */
  countsMaxAgeMs?: number;
}
