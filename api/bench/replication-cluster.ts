import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { type PgCluster, startPgCluster } from '../../infra/src/pg-ha/cluster';
import { BRIDGE_ADDRESS } from '../../infra/src/pg-ha/test-hosts';

/**
 * One replicated database tier for `npm run bench:replication`, in a child
 * process of its own: infra/src/pg-ha/test-hosts.ts fixes its namespaces by
 * MINITWIT_PGHA_INSTANCE when it is loaded, so two clusters side by side need
 * two processes. Usage (forked with an IPC channel): replication-cluster.ts
 * sync|async. Sends `ClusterReady` (or `{ error }`) to the parent, and
 * disposes of the cluster when the parent asks (SIGTERM), on Ctrl-C (SIGINT),
 * or when the parent goes away (the IPC channel closes).
 *
 * `async` turns Patroni's synchronous_mode off with `patronictl edit-config`
 * against the consensus store, which needs no REST credentials: Patroni then
 * empties synchronous_standby_names and a commit waits for the local flush
 * only (synchronous_commit stays on).
 */
export interface ClusterReady {
  mode: 'sync' | 'async';
  /** The API's URL: minitwit_owner through HAProxy (migrates on start). */
  owner: string;
  /** Superuser, `postgres` database, through HAProxy and straight to the primary. */
  viaHaproxy: string;
  direct: string;
  /** What the primary says about durability, to print beside the figures. */
  settings: Record<string, string>;
}

const run = promisify(execFile);
const mode = process.argv[2] === 'async' ? 'async' : 'sync';

async function oneRow(url: string, sql: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return ((await client.query(sql)).rows[0] ?? {}) as Record<string, string>;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const SETTINGS_SQL = `select current_setting('fsync') as fsync,
  current_setting('synchronous_commit') as synchronous_commit,
  current_setting('synchronous_standby_names') as synchronous_standby_names,
  current_setting('archive_mode') as archive_mode,
  coalesce((select string_agg(sync_state, ',') from pg_stat_replication), 'no standby') as standby_state`;

async function prepare(cluster: PgCluster): Promise<ClusterReady> {
  const leader = await cluster.patroni.leader();
  if (!leader?.host) throw new Error('no leader address');
  const direct = `postgres://postgres:${cluster.passwords.superuser}@${leader.host}:5432/postgres`;
  const expected = mode === 'sync' ? 'sync' : 'async';
  if (mode === 'async') {
    // patronictl 3.0 knows no etcd3:// --dcs-url: it reads the store's address from a config file.
    const config = join(cluster.dir, 'patronictl.yml');
    await writeFile(config, `etcd3:\n  hosts: ${BRIDGE_ADDRESS}:2379\n`);
    await run('patronictl', [
      '--config-file',
      config,
      'edit-config',
      'minitwit',
      '--set',
      'synchronous_mode=false',
      '--force',
      '--quiet',
    ]);
  }
  // Patroni applies the change within a loop (1 s); wait until the primary shows it.
  const settings = await cluster.patroni.waitUntil(`standby ${expected}`, 60_000, async () => {
    const row = await oneRow(direct, SETTINGS_SQL);
    const ok = mode === 'async' ? row.synchronous_standby_names === '' : row.synchronous_standby_names !== '';
    return ok && row.standby_state === expected ? row : undefined;
  });
  return { mode, owner: cluster.urls.owner, viaHaproxy: cluster.urls.superuser, direct, settings };
}

const starting = startPgCluster();
let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= starting
    .then((cluster) => cluster.dispose())
    .catch(() => undefined)
    .finally(() => process.exit(0));
  return stopping;
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());

try {
  const ready = await prepare(await starting);
  process.send?.(ready);
} catch (error) {
  process.send?.({ error: String(error) });
  await stop();
}
