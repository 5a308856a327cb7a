import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the fault scenarios of issue 11 (Redis, PostgreSQL
 * and servers killed or stopped under load). One file at a time: each starts
 * its own processes and measures reconnect and catch-up times, which another
 * scenario's load on the same two cores would distort. Needs DATABASE_URL,
 * REDIS_URL and, for the web scenarios, `npm run build`; `.ci/run` does both.
 */
export default defineConfig({
  test: {
    include: ['infra/src/faults/**/*.fault.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
