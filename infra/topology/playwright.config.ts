import { defineConfig } from '@playwright/test';

/**
 * The live-timeline specs of e2e/ run against a deployment's proxy (the
 * topology tests set E2E_BASE_URL and E2E_API_URL): browsers on different
 * realtime replicas, posts through different API replicas.
 */
export default defineConfig({
  testDir: '../../e2e/tests',
  testMatch: ['live.spec.ts'],
  outputDir: '../../e2e/artifacts/topology-results',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    },
  },
});
