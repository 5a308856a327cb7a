/**
 * The system under test: the one-process launcher (web app, its live
 * timelines on the same origin, and the simulator API) on a fresh embedded
 * database in a temp directory, removed again when Playwright stops it
 * (SIGTERM). With --shared it runs on DATABASE_URL and REDIS_URL instead
 * (see shared-stack.ts). Usage: tsx serve-app.ts <web-port> <api-port> [--shared]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDatabaseUrl, sharedRedisChannel, sharedRedisUrl } from './shared-stack';

const [webPort = '3100', apiPort = '5101', mode] = process.argv.slice(2);
const shared = mode === '--shared';
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = mkdtempSync(join(tmpdir(), 'minitwit-e2e-'));

// The production build, as `npm start` runs it (run-e2e.ts builds it first); node directly: `npm`
// would add a shell and an npm process between this one and the launcher.
const app = spawn(process.execPath, ['--conditions=compiled', '--enable-source-maps', 'infra/dist/start-all.js'], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: {
    ...process.env,
    WEB_HOST: '127.0.0.1',
    WEB_PORT: webPort,
    API_HOST: '127.0.0.1',
    API_PORT: apiPort,
    // Two of these may run side by side (serve-app --shared): operator ports are picked free.
    WEB_INTERNAL_PORT: '0',
    API_INTERNAL_PORT: '0',
    REALTIME_INTERNAL_PORT: '0',
    ORIGIN: `http://127.0.0.1:${webPort}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // The specs sign up dozens of users from 127.0.0.1; the per-address limit is tested on its own.
    REGISTRATIONS_PER_ADDRESS_PER_HOUR: '100000',
    // Embedded database and in-process fan-out, whatever the caller's environment says, unless --shared.
    DATABASE_URL: shared ? (sharedDatabaseUrl ?? '') : '',
    REDIS_URL: shared ? (sharedRedisUrl ?? '') : '',
    REDIS_CHANNEL: sharedRedisChannel,
  },
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  app.kill('SIGTERM');
  // A server that does not finish its graceful shutdown in time is killed.
  setTimeout(() => app.kill('SIGKILL'), 5_000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
app.on('exit', (code) => {
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(stopping ? 0 : (code ?? 1));
});
