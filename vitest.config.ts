import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{db,redis,api,realtime,monitoring,infra,web}/src/**/*.test.ts', 'infra/{release,deploy}/**/*.test.ts'],
    // Fault scenarios (kill Redis, PostgreSQL, servers) have their own run: `npm run test:faults`.
    exclude: ['**/node_modules/**', '**/.svelte-kit/**', '**/build/**', '**/*.fault.test.ts'],
    // Integration tests start servers and databases; they share two cores.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
