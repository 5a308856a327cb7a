/**
 * The app under test: the built web server on a fresh embedded database in a
 * temp directory, removed again when Playwright stops the server (SIGTERM).
 * Usage: tsx serve-app.ts <port>
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const port = process.argv[2] ?? '3100';
const webDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
const dataDir = mkdtempSync(join(tmpdir(), 'minitwit-e2e-'));

const app = spawn(process.execPath, ['--import', 'tsx', 'build/index.js'], {
  cwd: webDir,
  stdio: 'inherit',
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: port,
    ORIGIN: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
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
