import { startPgCluster } from './cluster';

/**
 * `npm run db:cluster` (root, Debian's patroni, etcd-server, haproxy,
 * pgbackrest): the replicated database tier on test hosts of this machine,
 * as the failover tests run it, until Ctrl-C. Prints the stable address for
 * each role, the nodes, and how to run patronictl and pgBackRest against it;
 * everything it made is removed on exit.
 */
const cluster = await startPgCluster();
const members = await cluster.patroni.members();
const env = Object.entries(cluster.backup.env)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');
process.stdout.write(
  [
    'MiniTwit database tier is up (Ctrl-C removes it):',
    `  stable address (HAProxy): 127.0.0.1:${cluster.haproxyPort}, stats and metrics ${cluster.haproxyStatsUrl}`,
    `  as the services:   DATABASE_URL=${cluster.urls.app} DATABASE_MIGRATIONS=wait`,
    `  as the owner:      DATABASE_URL=${cluster.urls.owner} npm run migrate`,
    `  as the exporter:   ${cluster.urls.monitor}`,
    `  superuser:         ${cluster.urls.superuser}`,
    ...members.map(
      (m) => `  node ${m.name}: ${m.role} (${m.state}) at ${m.host}; Patroni http://${m.host}:8008/cluster`,
    ),
    `  backups, as the postgres user: sudo -u postgres env ${env} pgbackrest info`,
    '',
  ].join('\n'),
);
const stop = async () => {
  await cluster.dispose();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
await new Promise(() => undefined);
