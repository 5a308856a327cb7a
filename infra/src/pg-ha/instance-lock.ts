import { spawn } from 'node:child_process';
import { BRIDGE } from './test-hosts';

/**
 * Holds this instance's test-host lock until the returned release is called.
 * One instance runs one cluster at a time (its hosts are fixed names), and
 * `npm test` runs test files two at a time: each file that starts a cluster
 * takes the lock first, so a second one waits instead of tearing the first's
 * hosts down. flock(1) holds it in a child that lives while its stdin is
 * open, so a test process that dies releases it too.
 */
export async function lockClusterInstance(): Promise<() => Promise<void>> {
  const path = `/run/lock/minitwit-${BRIDGE}.lock`;
  const holder = spawn('flock', ['--exclusive', path, '-c', 'echo locked && exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`flock ${path} exited with ${code}`)));
    holder.stdout.once('data', () => resolve());
  });
  return async () => {
    holder.stdin.end();
    await exited;
  };
}
