import { afterAll, beforeAll } from 'vitest';
import type { Database } from './database';
import { type DatabaseBackend, type TestDatabase, createTestDatabase } from './testing';

/**
 * Inside a `describe`: a fresh database of `backend` for its tests, made
 * before them and disposed after. Returns its accessor, for use in the tests
 * (the database does not exist yet while the `describe` body runs).
 */
export function useTestDatabase(backend: DatabaseBackend): () => Database {
  let test: TestDatabase | undefined;
  beforeAll(async () => {
    test = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await test?.dispose();
  });
  return () => {
    if (!test) throw new Error('the test database is made in beforeAll: use it inside a test or hook');
    return test.db;
  };
}
