import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from './testing';

/**
 * Regression: on the embedded PGlite every client connection shares one
 * backend session. With named prepared statements, a connection the pool had
 * closed for idleness (pg's default: 10 s) left its statements behind, and
 * the next connection's `prepare` failed with "prepared statement … already
 * exists" — every page of `npm start` answered 500 after ten quiet seconds.
 */
describe('the embedded database after the pool closed an idle connection', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase('embedded');
  }, 120_000);
  afterAll(async () => {
    await test?.dispose();
  });

  it('runs the same parameterised statement again', { timeout: 60_000 }, async () => {
    const { db } = test;
    expect(await db.users.findByUsername('nobody here')).toBeNull();
    // Longer than pg.Pool's idleTimeoutMillis (10 s), so the next statement runs on a new connection.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect(await db.users.findByUsername('nobody here')).toBeNull();
  });
});
