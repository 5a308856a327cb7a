import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';

/**
 * Long-lived processes of the swarm's hosts (daemons, the registry): started
 * detached, so they outlive the command that made them (`swarm:hosts up`
 * returns; the topology run goes on), with their output in a log file and
 * their pid in a pid file, which is how `down` finds them again.
 */
export function startDetached(
  command: string,
  args: string[],
  // `cwd`: '/' unless the process resolves modules from a checkout (node with --import tsx).
  options: { log: string; env?: NodeJS.ProcessEnv; cwd?: string },
): number {
  const out = openSync(options.log, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: options.env ?? process.env,
      cwd: options.cwd ?? '/',
    });
    if (child.pid === undefined) throw new Error(`${command} did not start`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** SIGTERM, then SIGKILL after `graceMs` if it is still there; removes the pid file. */
export async function stopPid(pid: number | undefined, graceMs: number, pidFile?: string): Promise<void> {
  if (pid !== undefined && isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (pidFile) await rm(pidFile, { force: true });
}
