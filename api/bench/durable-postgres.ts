import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@minitwit/monitoring/testing';
import pg from 'pg';
import { postgresUser } from '@minitwit/db/own-postgres';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * One plain PostgreSQL 15 with the durability of a node of the replicated tier
 * (infra/postgres-ha/patroni.yml): fsync on, synchronous_commit on,
 * full_page_writes on, data checksums, wal_level replica and wal_log_hints —
 * only the standby (and WAL archiving) missing. The replication benchmark's
 * "single" baseline; db/src/own-postgres.ts is a test server with fsync off
 * and would flatter the baseline. Trust auth on 127.0.0.1; runs as the
 * postgres OS user when we are root.
 */
export interface DurablePostgres {
  /** Superuser URL of the `minitwit` database. */
  url: string;
  dispose(): Promise<void>;
}

export async function startDurablePostgres(): Promise<DurablePostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'minitwit-durable-pg-'));
  const dataDir = join(dir, 'data');
  const ids = await postgresUser();
  if (ids) await chown(dir, ids.uid, ids.gid);
  await chmod(dir, 0o700);
  const as = ids ?? {};
  let server: ChildProcess | undefined;
  const dispose = async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGINT'); // fast shutdown
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await run(
      join(BIN, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--data-checksums'],
      { ...as, cwd: dir },
    );
    const port = await freePort();
    const settings = {
      port: String(port),
      listen_addresses: '127.0.0.1',
      unix_socket_directories: dir,
      fsync: 'on',
      synchronous_commit: 'on',
      full_page_writes: 'on',
      wal_level: 'replica',
      wal_log_hints: 'on',
      max_connections: '200',
    };
    const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
    server = spawn(join(BIN, 'postgres'), args, { ...as, cwd: dir, stdio: 'ignore' });
    const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 1_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('create database minitwit');
        await client.end();
        break;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (server.exitCode !== null || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { url: `postgres://postgres@127.0.0.1:${port}/minitwit`, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
