import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A private PostgreSQL server in a temp directory on a random port, for tests
 * that stop or kill the database: the shared one on 5432 belongs to everybody.
 * Runs as the `postgres` OS user when we are root (PostgreSQL refuses root).
 * Trust auth on 127.0.0.1 only; fsync off (a test server, nothing to keep).
 */
export interface OwnPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: sessions are terminated, new connections refused. */
  stop(): Promise<void>;
  /** Starts the same cluster again (same data). */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  dispose(): Promise<void>;
}

const run = promisify(execFile);
const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** Whether this machine can run a private PostgreSQL (the Debian server package is installed). */
export async function canRunOwnPostgres(): Promise<boolean> {
  try {
    await run(join(BIN, 'pg_ctl'), ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The `postgres` OS user's uid/gid when we are root (PostgreSQL refuses to run as root), looked up
 * without a dependency (`id -u postgres`); undefined when we are not root.
 */
export async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'minitwit-own-pg-'));
  const dataDir = join(dir, 'data');
  const user = await postgresUser();
  if (user) await chown(dir, user.uid, user.gid);
  await chmod(dir, 0o700);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await run(join(BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    ...as,
    cwd: dir,
  });
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c max_connections=100',
  ].join(' ');
  const ctl = (...args: string[]) => run(join(BIN, 'pg_ctl'), ['-D', dataDir, ...args], { ...as, cwd: dir });
  const start = async () => {
    // -W: do not wait here; readiness is checked by connecting, which is what the tests care about.
    await ctl('-o', options, '-l', join(dir, 'log'), '-W', 'start');
    await waitUntilAnswering(url, 30_000);
  };
  const stop = async () => {
    await ctl('-m', 'fast', '-w', 'stop').catch(() => {});
  };
  await start();
  return {
    url,
    port,
    start,
    stop,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
