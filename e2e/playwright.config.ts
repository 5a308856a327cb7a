import { defineConfig } from '@playwright/test';
import { BASE_URL, PORT } from './base-url';

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
  webServer: {
    command: `npx tsx serve-app.ts ${PORT}`,
    url: `${BASE_URL}/public`,
    // A fresh embedded PostgreSQL initialises and migrates first (~15 s here).
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 8_000 },
  },
});
