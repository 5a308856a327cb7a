import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { chmod, copyFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@minitwit/monitoring/testing';
import type { BackupHost } from './backup-host';

const run = promisify(execFile);
export const EXPORTER = new URL('../../postgres-ha/pgbackrest-exporter.py', import.meta.url).pathname;
export const SCHEDULE = new URL('../../postgres-ha/backup-schedule.sh', import.meta.url).pathname;

/** Why the exporter cannot run here (Debian's python3 without python3-prometheus-client), or undefined. */
export async function missingForExporter(): Promise<string | undefined> {
  try {
    await run('/usr/bin/python3', ['-c', 'import prometheus_client']);
    return undefined;
  } catch {
    return 'python3-prometheus-client is not installed (apt-get install python3-prometheus-client)';
  }
}

export interface BackupHostProcess {
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Runs a program of the backup host the way its image does: as postgres, configured by its PGBACKREST_* env only. */
export async function startOnBackupHost(
  command: string,
  backup: BackupHost,
  env: Record<string, string> = {},
): Promise<BackupHostProcess> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  // As postgres, who may not reach the checkout (a clone under a private directory): a copy in the
  // backup host's own directory.
  const program = join(backup.dir, basename(command));
  await copyFile(command, program);
  await chmod(program, 0o755);
  const child = spawn(program, [], {
    uid,
    gid,
    cwd: '/tmp',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', ...backup.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-50_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.on('error', (error) => keep(Buffer.from(String(error))));
  return {
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface BackupExporter extends BackupHostProcess {
  /** `host:port` to scrape. */
  target: string;
  scrape(): Promise<string>;
}

/** The pgBackRest exporter on a free port of 127.0.0.1, answering; `env` overrides the backup host's. */
export async function startBackupExporter(
  backup: BackupHost,
  env: Record<string, string> = {},
): Promise<BackupExporter> {
  const target = `127.0.0.1:${await freePort()}`;
  const exporter = await startOnBackupHost(EXPORTER, backup, { ...env, PGBACKREST_EXPORTER_LISTEN: target });
  const scrape = async () => {
    const response = await fetch(`http://${target}/metrics`);
    if (!response.ok) throw new Error(`exporter answered ${response.status}`);
    return response.text();
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await scrape();
      return { ...exporter, target, scrape };
    } catch (error) {
      if (Date.now() > deadline || (await Promise.race([exporter.exited, Promise.resolve('running')])) !== 'running') {
        await exporter.stop();
        throw new Error(`the pgBackRest exporter did not answer: ${String(error)}\n${exporter.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
