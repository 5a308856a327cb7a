import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgresUser } from '@minitwit/db/own-postgres';
import { freePort } from '@minitwit/monitoring/testing';
import { parse, stringify } from 'yaml';
import { notInstalled } from '../testing/installed';
import { type BackupHost, nodeBackupEnv, startBackupHost } from './backup-host';
import { PatroniClient } from './patroni-client';
import { pollUntil } from './poll';
import {
  BRIDGE_ADDRESS,
  type TestHost,
  createTestHosts,
  killEverythingIn,
  removeTestHosts,
  setConnected,
} from './test-hosts';

const run = promisify(execFile);

/** The repository's files the cluster runs: the same ones the Docker images copy. */
const CONFIG_DIR = new URL('../../postgres-ha/', import.meta.url).pathname;

/**
 * MiniTwit's replicated database tier on test hosts of this machine, built
 * from the files production uses (infra/postgres-ha/): two PostgreSQL 15
 * nodes managed by Patroni, each in a network namespace of its own, etcd as
 * the consensus store, HAProxy as the primary's stable address (on
 * 127.0.0.1), and a pgBackRest backup host that receives the WAL archive.
 * The fault scenarios kill, cut off and switch over nodes of it.
 */
export interface PgNode {
  name: string;
  host: TestHost;
  dataDir: string;
  /** Directory of the node's Unix socket (also reachable while its network is cut). */
  socketDir: string;
  /** Starts Patroni and the node's pgBackRest server (again). */
  start(): Promise<void>;
  /** SIGKILLs every process on the node: the host dies. */
  kill(): Promise<void>;
  /** Cuts (false) or restores (true) the node's network. */
  connect(connected: boolean): Promise<void>;
  /** A superuser URL over the node's Unix socket, for looking inside it whatever its network. */
  socketUrl(database?: string): string;
}

export interface PgCluster {
  dir: string;
  nodes: PgNode[];
  patroni: PatroniClient;
  backup: BackupHost;
  /** The stable address as each role sees it (HAProxy on 127.0.0.1). */
  urls: { owner: string; app: string; monitor: string; superuser: string };
  haproxyPort: number;
  /** HAProxy's Prometheus metrics and stats page. */
  haproxyStatsUrl: string;
  passwords: Record<'superuser' | 'owner' | 'app' | 'monitor', string>;
  /** Freezes (true) or thaws (false) the consensus store (etcd, SIGSTOP/SIGCONT): a hung store, nothing refused. */
  freezeDcs(frozen: boolean): void;
  dispose(): Promise<void>;
}

/** What the cluster's machine needs; undefined when it has it all. */
export async function missingForCluster(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root (test hosts are network namespaces)';
  const [tool] = await notInstalled(['ip', 'patroni', 'etcd', 'haproxy', 'pgbackrest', 'psql', 'openssl']);
  return tool && `${tool} is not installed (.ci/run installs patroni, etcd-server, haproxy, pgbackrest)`;
}

const secret = () => randomBytes(12).toString('hex');

interface Spawned {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Starts a long-running process, its output appended to a log file. */
function startProcess(command: string, args: string[], env: Record<string, string>, log: string): Spawned {
  const child = spawn('sh', ['-c', `exec "$0" "$@" >>${log} 2>&1`, command, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', ...env },
    // Not the checkout: processes that run as postgres may not be allowed into it.
    cwd: '/tmp',
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited };
}

/** Runs a command inside a node's namespace as the postgres OS user. */
export function asPostgresIn(namespace: string, command: string[]): string[] {
  return ['netns', 'exec', namespace, 'runuser', '-u', 'postgres', '--', ...command];
}

/** The node's Patroni config: the production file with this node's paths. */
async function nodeConfig(dir: string, postBootstrap: string): Promise<string> {
  const config = parse(await readFile(join(CONFIG_DIR, 'patroni.yml'), 'utf8')) as {
    bootstrap: { post_bootstrap: string };
    postgresql: { parameters?: Record<string, string> };
  };
  config.bootstrap.post_bootstrap = postBootstrap;
  // The node's socket in its own directory (nodes share this machine's /var/run/postgresql).
  config.postgresql.parameters = { ...config.postgresql.parameters, unix_socket_directories: dir };
  const file = join(dir, 'patroni.yml');
  await writeFile(file, stringify(config));
  return file;
}

export async function startPgCluster(options: { logDir?: string } = {}): Promise<PgCluster> {
  const hosts = await createTestHosts(2);
  const dir = await mkdtemp(join(tmpdir(), 'minitwit-pgha-'));
  // The nodes run as the postgres OS user and read their files under it.
  await chmod(dir, 0o755);
  // The nodes run the post-bootstrap script as postgres, who may not be able to reach the checkout
  // (a clone under a private directory): they get a copy in the cluster's own directory.
  const scripts = join(dir, 'postgres-ha');
  await mkdir(scripts);
  for (const file of ['post-bootstrap.sh', 'roles.sql', 'patroni-launcher.py']) {
    await copyFile(join(CONFIG_DIR, file), join(scripts, file));
  }
  await chmod(join(scripts, 'post-bootstrap.sh'), 0o755);
  const postBootstrap = join(scripts, 'post-bootstrap.sh');
  // Patroni with the upstream fix the launcher backports (see its docstring), as in the image.
  const patroniCommand = ['/usr/bin/python3', join(scripts, 'patroni-launcher.py')];
  const ids = await postgresUser();
  if (!ids) throw new Error('the cluster runs its nodes as the postgres OS user: run as root');
  const processes: Spawned[] = [];
  const passwords = { superuser: secret(), owner: secret(), app: secret(), monitor: secret() };
  const restAuth = { username: 'patroni', password: secret() };
  // One cluster, one set of internal credentials: every node has the same.
  const internal = { replication: secret(), rewind: secret() };
  try {
    // --- the consensus store, on the bridge's address (the "host" side of the test network)
    const etcdDir = join(dir, 'etcd');
    await mkdir(etcdDir, { recursive: true });
    const etcd = startProcess(
      'etcd',
      [
        '--name=dcs',
        `--data-dir=${etcdDir}/data`,
        `--listen-client-urls=http://${BRIDGE_ADDRESS}:2379`,
        `--advertise-client-urls=http://${BRIDGE_ADDRESS}:2379`,
        `--listen-peer-urls=http://${BRIDGE_ADDRESS}:2380`,
        `--initial-advertise-peer-urls=http://${BRIDGE_ADDRESS}:2380`,
        `--initial-cluster=dcs=http://${BRIDGE_ADDRESS}:2380`,
        '--log-level=warn',
      ],
      {},
      join(etcdDir, 'log'),
    );
    processes.push(etcd);
    const backup = await startBackupHost({ dir, hosts, ids, started: (p) => processes.push(p) });

    // --- the PostgreSQL nodes
    const nodes: PgNode[] = [];
    for (const host of hosts) {
      const nodeDir = join(dir, host.name);
      for (const path of [nodeDir, join(nodeDir, 'pgbackrest')]) {
        await mkdir(path, { recursive: true });
        await chown(path, ids.uid, ids.gid);
      }
      const dataDir = join(nodeDir, 'data');
      const config = await nodeConfig(nodeDir, postBootstrap);
      const env: Record<string, string> = {
        PATRONI_NAME: host.name,
        PATRONI_RESTAPI_LISTEN: `${host.address}:8008`,
        PATRONI_RESTAPI_CONNECT_ADDRESS: `${host.address}:8008`,
        PATRONI_RESTAPI_USERNAME: restAuth.username,
        PATRONI_RESTAPI_PASSWORD: restAuth.password,
        PATRONI_POSTGRESQL_LISTEN: `${host.address}:5432`,
        PATRONI_POSTGRESQL_CONNECT_ADDRESS: `${host.address}:5432`,
        PATRONI_POSTGRESQL_DATA_DIR: dataDir,
        PATRONI_POSTGRESQL_PGPASS: join(nodeDir, 'pgpass'),
        PATRONI_ETCD3_HOSTS: `${BRIDGE_ADDRESS}:2379`,
        PATRONI_SUPERUSER_PASSWORD: passwords.superuser,
        PATRONI_REPLICATION_PASSWORD: internal.replication,
        PATRONI_REWIND_PASSWORD: internal.rewind,
        MINITWIT_OWNER_PASSWORD: passwords.owner,
        MINITWIT_APP_PASSWORD: passwords.app,
        MINITWIT_MONITOR_PASSWORD: passwords.monitor,
        ...nodeBackupEnv(backup, host, nodeDir, dataDir),
      };
      let running: Spawned[] = [];
      const node: PgNode = {
        name: host.name,
        host,
        dataDir,
        socketDir: nodeDir,
        async start() {
          const patroni = startProcess(
            'ip',
            asPostgresIn(host.namespace, [...patroniCommand, config]),
            env,
            join(nodeDir, 'patroni.log'),
          );
          const tls = startProcess(
            'ip',
            asPostgresIn(host.namespace, ['pgbackrest', 'server']),
            env,
            join(nodeDir, 'pgbackrest-server.log'),
          );
          running = [patroni, tls];
          processes.push(patroni, tls);
        },
        async kill() {
          await killEverythingIn(host.namespace);
          await Promise.all(running.map((p) => p.exited));
        },
        connect: (connected) => setConnected(host, connected),
        socketUrl: (database = 'postgres') =>
          `postgres://postgres@/${database}?host=${encodeURIComponent(nodeDir)}&port=5432`,
      };
      nodes.push(node);
    }

    const patroni = new PatroniClient(
      nodes.map((node) => `http://${node.host.address}:8008`),
      restAuth,
    );
    // The first node bootstraps alone, so which one starts as primary is fixed.
    await nodes[0]!.start();
    await pollUntil('the first primary', 60_000, async () => ((await patroni.leader()) ? true : undefined));
    for (const node of nodes.slice(1)) await node.start();
    await patroni.waitForSyncStandby(90_000);

    // --- the stable address
    const haproxyPort = await freePort();
    const statsPort = await freePort();
    processes.push(
      startProcess(
        'haproxy',
        ['-db', '-f', join(CONFIG_DIR, 'haproxy.cfg')],
        {
          PGHA_LISTEN: `127.0.0.1:${haproxyPort}`,
          PGHA_STATS_LISTEN: `127.0.0.1:${statsPort}`,
          PGHA_NODE_1: hosts[0]!.address,
          PGHA_NODE_2: hosts[1]!.address,
        },
        join(dir, 'haproxy.log'),
      ),
    );
    const url = (user: string, password: string, database = 'minitwit') =>
      `postgres://${user}:${password}@127.0.0.1:${haproxyPort}/${database}`;
    const urls = {
      owner: url('minitwit_owner', passwords.owner),
      app: url('minitwit_app', passwords.app),
      monitor: url('minitwit_monitor', passwords.monitor),
      superuser: url('postgres', passwords.superuser, 'postgres'),
    };
    await pollUntil('HAProxy to reach the primary', 30_000, async () => {
      await run('psql', [urls.superuser, '-Atc', 'select 1']);
      return true;
    });
    await backup.createStanza(patroni);

    return {
      dir,
      nodes,
      patroni,
      backup,
      urls,
      haproxyPort,
      haproxyStatsUrl: `http://127.0.0.1:${statsPort}`,
      passwords,
      freezeDcs(frozen) {
        etcd.child.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
      },
      async dispose() {
        if (options.logDir) await run('cp', ['-r', dir, options.logDir]).catch(() => undefined);
        for (const p of processes) p.child.kill('SIGKILL');
        await removeTestHosts();
        await Promise.all(processes.map((p) => p.exited));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const p of processes) p.child.kill('SIGKILL');
    await removeTestHosts();
    const logs = await run('sh', ['-c', `tail -n 30 ${dir}/*/*.log ${dir}/*.log 2>/dev/null`]).catch(() => ({
      stdout: '',
    }));
    if (options.logDir) await run('cp', ['-r', dir, options.logDir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${String(error)}\n${logs.stdout}`);
  }
}
