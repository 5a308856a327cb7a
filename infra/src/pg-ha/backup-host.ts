import { execFile } from 'node:child_process';
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@minitwit/monitoring/testing';
import type { PatroniClient } from './patroni-client';
import { BRIDGE_ADDRESS, type TestHost } from './test-hosts';

const run = promisify(execFile);
const CONFIG_DIR = new URL('../../postgres-ha/', import.meta.url).pathname;
const BIN = '/usr/lib/postgresql/15/bin';
export const STANZA = 'minitwit';

/**
 * The pgBackRest backup host of the test cluster: the repository lives here,
 * not on a PostgreSQL node. Nodes push WAL to it and it pulls backups from
 * the primary, both over pgBackRest's TLS protocol with the certificates of
 * infra/postgres-ha/backup-certs.sh — the same settings the Docker images
 * take from pgbackrest.env (variables, not a config file, so one shape fits
 * both). It runs on the bridge's address, "the host", as the postgres user.
 */
export interface BackupHost {
  dir: string;
  repo: string;
  tls: string;
  /**
   * The PGBACKREST_* environment `pgbackrest()` runs with (the repository and
   * every node): what the backup host's own processes (the exporter, the
   * schedule) are configured with. Run them as the postgres user.
   */
  env: Readonly<Record<string, string>>;
  /** Runs a pgBackRest command on the backup host; returns stdout. */
  pgbackrest(args: string[]): Promise<string>;
  createStanza(patroni: PatroniClient): Promise<void>;
  /** A backup from the current primary; returns its label. */
  backup(type: 'full' | 'incr' | 'diff'): Promise<string>;
  /**
   * Switches the primary to a new WAL segment and waits until the finished one
   * is in the archive (`pgbackrest check`): a restore can reach only what was
   * archived, and an open segment is archived by archive_timeout at the latest.
   */
  archiveNow(): Promise<void>;
  /** `pgbackrest info --output=json` for the stanza. */
  info(): Promise<BackupInfo>;
  /** Restores the archive as of `time` into a fresh cluster and starts it on 127.0.0.1. */
  restoreToTime(time: string): Promise<RestoredCluster>;
}

export interface BackupInfo {
  backups: Array<{ label: string; type: string; stopSeconds: number; sizeBytes: number }>;
  archiveMax?: string;
}

export interface RestoredCluster {
  url: string;
  /** Seconds the restore command took, and then until the server answered. */
  restoreSeconds: number;
  recoverySeconds: number;
  dispose(): Promise<void>;
}

interface Ids {
  uid: number;
  gid: number;
}

/** pgBackRest settings shared by every host of the stanza. */
function commonEnv(tls: string, log: string): Record<string, string> {
  return {
    PGBACKREST_STANZA: STANZA,
    PGBACKREST_LOG_PATH: log,
    PGBACKREST_LOG_LEVEL_FILE: 'detail',
    PGBACKREST_LOG_LEVEL_CONSOLE: 'warn',
    PGBACKREST_LOCK_PATH: join(log, 'lock'),
    PGBACKREST_SPOOL_PATH: join(log, 'spool'),
    PGBACKREST_TLS_SERVER_CA_FILE: join(tls, 'ca.crt'),
    PGBACKREST_TLS_SERVER_CERT_FILE: join(tls, 'host.crt'),
    PGBACKREST_TLS_SERVER_KEY_FILE: join(tls, 'host.key'),
    PGBACKREST_TLS_SERVER_AUTH: `minitwit-backup=${STANZA}`,
  };
}

/** What a PostgreSQL node needs to push its WAL to the backup host and serve backups to it. */
export function nodeBackupEnv(backup: BackupHost, host: TestHost, nodeDir: string, dataDir: string) {
  return {
    ...commonEnv(backup.tls, join(nodeDir, 'pgbackrest')),
    PGBACKREST_TLS_SERVER_ADDRESS: host.address,
    PGBACKREST_REPO1_HOST: BRIDGE_ADDRESS,
    PGBACKREST_REPO1_HOST_TYPE: 'tls',
    // The repository's path on the backup host: pgBackRest passes it to the remote side.
    PGBACKREST_REPO1_PATH: backup.repo,
    PGBACKREST_REPO1_HOST_CA_FILE: join(backup.tls, 'ca.crt'),
    PGBACKREST_REPO1_HOST_CERT_FILE: join(backup.tls, 'host.crt'),
    PGBACKREST_REPO1_HOST_KEY_FILE: join(backup.tls, 'host.key'),
    PGBACKREST_PG1_PATH: dataDir,
    PGBACKREST_PG1_SOCKET_PATH: nodeDir,
  };
}

async function asPostgres(ids: Ids, command: string, args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await run(command, args, {
    uid: ids.uid,
    gid: ids.gid,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...env },
    cwd: '/tmp',
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

export async function startBackupHost(options: {
  dir: string;
  hosts: TestHost[];
  ids: Ids;
  started: (p: { child: import('node:child_process').ChildProcess; exited: Promise<void> }) => void;
}): Promise<BackupHost> {
  const { ids } = options;
  const dir = join(options.dir, 'backup');
  const repo = join(dir, 'repo');
  const tls = join(dir, 'tls');
  const log = join(dir, 'log');
  for (const path of [dir, repo, log]) {
    await mkdir(path, { recursive: true });
    await chown(path, ids.uid, ids.gid);
  }
  await run(join(CONFIG_DIR, 'backup-certs.sh'), [
    tls,
    BRIDGE_ADDRESS,
    ...options.hosts.map((h) => h.address),
    'localhost',
    '127.0.0.1',
  ]);
  for (const file of ['', 'ca.crt', 'host.crt', 'host.key']) await chown(join(tls, file), ids.uid, ids.gid);

  const repoEnv: Record<string, string> = {
    ...commonEnv(tls, log),
    PGBACKREST_REPO1_PATH: repo,
    PGBACKREST_REPO1_RETENTION_FULL: '2',
    PGBACKREST_START_FAST: 'y',
    PGBACKREST_COMPRESS_TYPE: 'lz4',
    PGBACKREST_PROCESS_MAX: '2',
    PGBACKREST_ARCHIVE_TIMEOUT: '120',
  };
  // Every node may be the primary: the backup host names them all and backs up from the one that is.
  const hostsEnv: Record<string, string> = { ...repoEnv };
  options.hosts.forEach((host, i) => {
    const pg = `PGBACKREST_PG${i + 1}`;
    hostsEnv[`${pg}_HOST`] = host.address;
    hostsEnv[`${pg}_HOST_TYPE`] = 'tls';
    hostsEnv[`${pg}_HOST_CA_FILE`] = join(tls, 'ca.crt');
    hostsEnv[`${pg}_HOST_CERT_FILE`] = join(tls, 'host.crt');
    hostsEnv[`${pg}_HOST_KEY_FILE`] = join(tls, 'host.key');
    hostsEnv[`${pg}_PATH`] = join(options.dir, host.name, 'data');
    hostsEnv[`${pg}_SOCKET_PATH`] = join(options.dir, host.name);
  });
  // The same settings for a shell, so the runbook's commands run against this cluster by hand
  // (docs/operations.md, "Restore to a time"): `env $(cat <dir>/backup/pgbackrest.env) pgbackrest …`.
  const envLines = Object.entries(hostsEnv).map(([name, value]) => `${name}=${value}\n`);
  await writeFile(join(dir, 'pgbackrest.env'), envLines.join(''));

  const { spawn } = await import('node:child_process');
  const server = spawn('sh', ['-c', `exec pgbackrest server >>${log}/server.out 2>&1`], {
    uid: ids.uid,
    gid: ids.gid,
    cwd: '/tmp',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...repoEnv, PGBACKREST_TLS_SERVER_ADDRESS: BRIDGE_ADDRESS },
    stdio: 'ignore',
  });
  server.on('error', () => undefined);
  options.started({ child: server, exited: new Promise((resolve) => server.once('exit', () => resolve())) });

  const pgbackrest = (args: string[]) => asPostgres(ids, 'pgbackrest', args, hostsEnv);
  const host: BackupHost = {
    dir,
    repo,
    tls,
    env: hostsEnv,
    pgbackrest,
    async createStanza() {
      // The nodes' first archive-push races stanza-create for the stanza's lock (and fails until
      // the stanza exists): a lost race is tried again.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await pgbackrest(['stanza-create']);
          break;
        } catch (error) {
          if (attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
      await pgbackrest(['check']);
    },
    async archiveNow() {
      await pgbackrest(['check']);
    },
    async backup(type) {
      await pgbackrest(['backup', `--type=${type}`]);
      const info = await host.info();
      return info.backups.at(-1)!.label;
    },
    async info() {
      const [stanza] = JSON.parse(await pgbackrest(['info', '--output=json'])) as Array<{
        backup: Array<{ label: string; type: string; timestamp: { stop: number }; info: { size: number } }>;
        archive: Array<{ max?: string }>;
      }>;
      return {
        backups: (stanza?.backup ?? []).map((b) => ({
          label: b.label,
          type: b.type,
          stopSeconds: b.timestamp.stop,
          sizeBytes: b.info.size,
        })),
        archiveMax: stanza?.archive.at(-1)?.max,
      };
    },
    async restoreToTime(time) {
      const target = await mkdtemp(join(dir, 'restore-'));
      await chown(target, ids.uid, ids.gid);
      const data = join(target, 'data');
      const started = Date.now();
      // Restored where the repository is: no PostgreSQL host to reach, only the archive.
      await asPostgres(
        ids,
        'pgbackrest',
        ['restore', `--pg1-path=${data}`, '--type=time', `--target=${time}`, '--target-action=promote'],
        repoEnv,
      );
      const restoreSeconds = (Date.now() - started) / 1000;
      const port = await freePort();
      const hba = join(target, 'pg_hba.conf');
      await writeFile(hba, 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
      await chown(hba, ids.uid, ids.gid);
      // The restored copy must not archive into the stanza it came from, nor wait for a standby.
      const serverOptions = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-c unix_socket_directories=${target}`,
        `-c hba_file=${hba}`,
        '-c archive_mode=off',
        "-c synchronous_standby_names=''",
      ].join(' ');
      const recovering = Date.now();
      await asPostgres(
        ids,
        join(BIN, 'pg_ctl'),
        ['-D', data, '-o', serverOptions, '-l', join(target, 'log'), '-w', '-t', '600', 'start'],
        repoEnv,
      ).catch(async (error: unknown) => {
        const logText = await readFile(join(target, 'log'), 'utf8').catch(() => '');
        throw new Error(`restored cluster did not start: ${String(error)}\n${logText.slice(-3_000)}`);
      });
      const url = `postgres://postgres@127.0.0.1:${port}/minitwit`;
      // pg_ctl -w returns once connections are accepted, which a hot standby does while it still
      // replays: the restore is done when recovery has reached the target and promoted.
      const deadline = Date.now() + 600_000;
      while ((await asPostgres(ids, 'psql', [url, '-Atc', 'select pg_is_in_recovery()'], {})).trim() !== 'f') {
        if (Date.now() > deadline) throw new Error('restored cluster still in recovery after 600 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return {
        url,
        restoreSeconds,
        recoverySeconds: (Date.now() - recovering) / 1000,
        async dispose() {
          await asPostgres(ids, join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], {}).catch(
            () => undefined,
          );
          await rm(target, { recursive: true, force: true });
        },
      };
    },
  };
  return host;
}
