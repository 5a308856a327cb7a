import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{db,api,realtime,monitoring,infra,web}/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.svelte-kit/**', '**/build/**'],
    // Integration tests start servers and databases; they share two cores.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
