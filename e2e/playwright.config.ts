import { defineConfig } from '@playwright/test';
import { API_PORT, BASE_URL, PORT } from './base-url';
import {
  SHARED_API_PORT,
  SHARED_BASE_URL,
  SHARED_PORT,
  sharedRedisChannel,
  sharedStackAvailable,
} from './shared-stack';

export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/test-results',
  // Two cores: one for the app, one for the browser.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: './artifacts/report', open: 'never' }]],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `npx tsx serve-app.ts ${PORT} ${API_PORT}`,
      url: `${BASE_URL}/public`,
      // A fresh embedded PostgreSQL initialises and migrates first (~15 s here).
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 8_000 },
    },
    // On PostgreSQL + Redis, for specs that reach the system from another process (see shared-stack.ts).
    ...(sharedStackAvailable
      ? [
          {
            command: `npx tsx serve-app.ts ${SHARED_PORT} ${SHARED_API_PORT} --shared`,
            url: `${SHARED_BASE_URL}/public`,
            // The flag tool run by the spec must publish on the channel this server listens to.
            env: { E2E_REDIS_CHANNEL: sharedRedisChannel },
            timeout: 120_000,
            reuseExistingServer: false,
            stdout: 'pipe' as const,
            stderr: 'pipe' as const,
            gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 8_000 },
          },
        ]
      : []),
  ],
});
