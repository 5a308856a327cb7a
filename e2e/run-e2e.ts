/**
 * Entry point of `npm test -w e2e`: skips loudly (exit 0) where Debian's
 * Chromium is missing, otherwise builds the production build (services and
 * web app: the system under test runs the compiled JavaScript) and runs
 * Playwright. Extra arguments go to `playwright test`. E2E_SKIP_BUILD=1 reuses
 * the last build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));

if (!existsSync(CHROMIUM)) {
  console.warn(
    `\n${'='.repeat(72)}\nSKIPPED: browser tests — ${CHROMIUM} chromium not installed (apt-get install chromium)\n${'='.repeat(72)}\n`,
  );
  process.exit(0);
}

function run(command: string, args: string[], cwd: string): number {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  return result.status ?? 1;
}

if (process.env.E2E_SKIP_BUILD !== '1') {
  const built = run('npm', ['run', 'build'], join(here, '..'));
  if (built !== 0) process.exit(built);
}
process.exit(run('npx', ['playwright', 'test', ...process.argv.slice(2)], here));
