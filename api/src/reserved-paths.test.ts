import { isReservedUsername, noopPublisher } from '@minitwit/db';
import { type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { createLogger, createServiceMetrics } from '@minitwit/monitoring';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from './app';

interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown };
  handle?: { stack?: RouterLayer[] };
}

/** Every literal first path segment the app's routers match (`:username` is a parameter, not a name). */
function firstSegments(stack: RouterLayer[], prefix = ''): string[] {
  const segments: string[] = [];
  for (const layer of stack) {
    const raw = layer.route ? layer.route.path : layer.rawPath;
    const path = `${prefix}${typeof raw === 'string' && raw !== '/' ? raw : ''}`;
    if (!layer.route && layer.handle?.stack) segments.push(...firstSegments(layer.handle.stack, path));
    else if (path) segments.push(path.split('/')[1] ?? '');
  }
  return segments.filter((segment) => segment !== '' && !segment.startsWith(':'));
}

/** Issue 19 finding 8: the web app and the API share the proxy's paths, so no user may be named after one. */
describe('reserved usernames and the API’s paths', () => {
  let database: TestDatabase;
  let app: Express;

  beforeAll(async () => {
    database = await createTestDatabase('embedded');
    app = createApiApp({
      db: database.db,
      publisher: noopPublisher,
      logger: createLogger({ service: 'api-test', silent: true }),
      metrics: createServiceMetrics('api'),
      simulatorCredentials: 'simulator:super_safe!',
    });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('include the first segment of every route the API serves', () => {
    const segments = firstSegments((app as unknown as { router: { stack: RouterLayer[] } }).router.stack);
    expect(segments).toEqual(expect.arrayContaining(['register', 'msgs', 'fllws', 'latest']));
    expect(segments.filter((segment) => !isReservedUsername(segment))).toEqual([]);
  });
});
