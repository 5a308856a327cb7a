import { type DatabaseBackend, type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { createLogger, createServiceMetrics } from '@minitwit/monitoring';
import { noopPublisher, type TimelinePublisher } from '@minitwit/db';
import { type RunningApi, listenApi } from '../server';

export interface ApiUnderTest {
  url: string;
  /** The operator port: `/healthz` and `/metrics`. */
  internalUrl: string;
  database: TestDatabase;
  stop(): Promise<void>;
}

/** The real API on a fresh database of the given backend, on a random 127.0.0.1 port. */
export async function startApiUnderTest(
  backend: DatabaseBackend,
  publisher: TimelinePublisher = noopPublisher,
  healthChecks: Record<string, () => Promise<void>> = {},
  options: { countsMaxAgeMs?: number } = {},
): Promise<ApiUnderTest> {
  const database = await createTestDatabase(backend);
  let api: RunningApi;
  try {
    api = await listenApi(
      {
        db: database.db,
        publisher,
        logger: createLogger({ service: 'api-test', silent: true }),
        metrics: createServiceMetrics('api'),
        simulatorCredentials: 'simulator:super_safe!',
        healthChecks,
        // Tests read the figures right after writing them; operator-endpoints.attack.test.ts tests the cache.
        countsMaxAgeMs: options.countsMaxAgeMs ?? 0,
      },
      '127.0.0.1',
      0,
    );
  } catch (error) {
    await database.dispose();
    throw error;
  }
  return {
    url: api.url,
    internalUrl: api.internalUrl,
    database,
    async stop() {
      await api.close();
      await database.dispose();
    },
  };
}
