import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { minitwitDashboard, ranking, stats, timeSeries } from './panels';

/** Per service replica, PostgreSQL and its replication and backups, Redis and the host: where a slowdown or an outage comes from. */
export function infrastructureDashboard() {
  return minitwitDashboard('infrastructure', {
    title: 'Infrastructure',
    description: 'Services and their replicas, PostgreSQL, Redis and the host.',
    refresh: '30s',
    from: 'now-3h',
  })
    .withRow(new RowBuilder('Services'))
    .withPanel(
      timeSeries({
        title: 'Healthy replicas vs expected',
        description:
          'Does every service run as many healthy replicas as it should? A killed replica leaves DNS discovery, so it shows here as a drop, not as a target down.',
        queries: [
          { expr: 'minitwit:replicas:healthy', legend: '{{job}} healthy' },
          { expr: 'minitwit:replicas:expected', legend: '{{job}} expected' },
        ],
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Requests per second by service',
        description: 'How much traffic does each service answer?',
        queries: [{ expr: 'sum by (service) (rate(http_requests_total[1m]))', legend: '{{service}}' }],
        unit: 'reqps',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'p50 / p99 latency by service',
        description: 'How long do answers take? The simulator gives up on the API after 0.3 s.',
        queries: [
          {
            expr: 'histogram_quantile(0.5, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m])))',
            legend: '{{service}} p50',
          },
          { expr: 'service:http_request_duration_seconds:p99_5m', legend: '{{service}} p99' },
        ],
        unit: 's',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Errors per second by service',
        description: 'Which service answers with errors? 5xx are ours; 4xx are refused requests.',
        queries: [
          {
            // Zero rather than no data when there is no 5xx at all.
            expr: 'sum by (service) (rate(http_requests_total{status=~"5.."}[5m])) or sum by (service) (rate(http_requests_total[5m])) * 0',
            legend: '{{service}} 5xx',
          },
          { expr: 'sum by (service) (rate(http_requests_total{status=~"4.."}[5m]))', legend: '{{service}} 4xx' },
        ],
        unit: 'reqps',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Requests in flight',
        description: 'Are requests piling up inside a replica (received, not yet answered)?',
        queries: [{ expr: 'sum by (service, instance) (http_requests_in_flight)', legend: '{{service}} {{instance}}' }],
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Database pool: in use and waiting',
        description:
          'Is a replica short of database connections? Waiting above 0 for long means the pool is too small or PostgreSQL too slow.',
        queries: [
          {
            expr: 'sum by (service, instance, state) (db_pool_connections{state=~"in_use|waiting"})',
            legend: '{{service}} {{instance}} {{state}}',
          },
        ],
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Redis connection per service',
        description: 'Is each process connected to Redis (1) or reconnecting (0), per client role?',
        queries: [
          {
            expr: 'max by (service, instance, role) (redis_connection_up)',
            legend: '{{service}} {{instance}} {{role}}',
          },
        ],
        min: 0,
        width: 24,
      }),
    )
    .withRow(new RowBuilder('Replicas'))
    .withPanel(
      timeSeries({
        title: 'CPU by replica',
        description: 'How busy is each Node process (1 = one core)?',
        queries: [
          {
            expr: 'sum by (service, instance) (rate(process_cpu_seconds_total[1m]))',
            legend: '{{service}} {{instance}}',
          },
        ],
        unit: 'percentunit',
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Memory by replica (RSS)',
        description: 'How much memory does each Node process hold? A steady climb is a leak.',
        queries: [
          { expr: 'sum by (service, instance) (process_resident_memory_bytes)', legend: '{{service}} {{instance}}' },
        ],
        unit: 'bytes',
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Event-loop lag p99 by replica',
        description: 'Is a process too busy to answer promptly? Lag delays every request and socket of that replica.',
        queries: [
          { expr: 'max by (service, instance) (nodejs_eventloop_lag_p99_seconds)', legend: '{{service}} {{instance}}' },
        ],
        unit: 's',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'GC pause time by replica',
        description: 'How much of each second does garbage collection stop the process?',
        queries: [
          {
            expr: 'sum by (service, instance) (rate(nodejs_gc_duration_seconds_sum[1m]))',
            legend: '{{service}} {{instance}}',
          },
        ],
        unit: 'percentunit',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Open handles by replica',
        description: 'How many sockets, timers and files does each process hold? Growth without traffic is a leak.',
        queries: [
          { expr: 'sum by (service, instance) (nodejs_active_handles_total)', legend: '{{service}} {{instance}}' },
        ],
        width: 8,
      }),
    )
    .withRow(new RowBuilder('PostgreSQL'))
    .withPanel(
      stats({
        title: 'PostgreSQL up',
        description: 'Does PostgreSQL answer its exporter?',
        queries: [{ expr: 'max(pg_up)', legend: 'up' }],
        width: 4,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Connections by state',
        description: 'How many server connections are open, and doing what (active, idle, idle in transaction)?',
        queries: [{ expr: 'sum by (state) (pg_stat_activity_count{datname=~"minitwit.*"})', legend: '{{state}}' }],
        stacked: true,
        width: 10,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Transactions per second',
        description: 'How many transactions commit (and roll back) each second?',
        queries: [
          { expr: 'sum(rate(pg_stat_database_xact_commit{datname=~"minitwit.*"}[1m]))', legend: 'commits' },
          { expr: 'sum(rate(pg_stat_database_xact_rollback{datname=~"minitwit.*"}[1m]))', legend: 'rollbacks' },
        ],
        unit: 'ops',
        width: 10,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Commit latency (API writes)',
        description:
          'How long does a committed write take? Each simulator write is one statement and one commit, so its p50/p99 bounds the commit latency as the app sees it (PostgreSQL itself does not export commit timings).',
        queries: [
          {
            expr: 'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{service="api", method="POST", status="204"}[5m])))',
            legend: 'p50',
          },
          {
            expr: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="api", method="POST", status="204"}[5m])))',
            legend: 'p99',
          },
        ],
        unit: 's',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Cache hit ratio',
        description:
          'How much of what PostgreSQL reads comes from memory? Well below 99% means the working set no longer fits.',
        queries: [
          {
            expr: 'sum(rate(pg_stat_database_blks_hit{datname=~"minitwit.*"}[5m])) / (sum(rate(pg_stat_database_blks_hit{datname=~"minitwit.*"}[5m])) + sum(rate(pg_stat_database_blks_read{datname=~"minitwit.*"}[5m])))',
            legend: 'hit ratio',
          },
        ],
        unit: 'percentunit',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Longest-running transaction',
        description:
          'Is a slow query or a stuck transaction holding the database, and in which state? (Per-statement timings need pg_stat_statements, which the default PostgreSQL image does not load.)',
        queries: [
          {
            expr: 'max by (state) (pg_stat_activity_max_tx_duration{datname=~"minitwit.*"})',
            legend: '{{state}}',
          },
        ],
        unit: 's',
        width: 8,
      }),
    )
    .withPanel(
      ranking({
        title: 'Table sizes',
        description: 'Which tables take the space (data, indexes and TOAST), largest first?',
        queries: [{ expr: 'sort_desc(max by (table) (pg_table_total_bytes))' }],
        unit: 'bytes',
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Rows by table',
        description: 'How many live rows does each table hold?',
        queries: [{ expr: 'max by (table) (pg_table_live_rows)', legend: '{{table}}' }],
      }),
    )
    .withRow(new RowBuilder('Database tier'))
    .withPanel(
      stats({
        title: 'Database node roles',
        description:
          'Which node is the primary, and which the synchronous standby (its copy is what a commit waits for)? A node missing here does not answer: PostgresNodeDown.',
        queries: [{ expr: 'max by (node) (2 * patroni_primary + patroni_sync_standby)', legend: '{{node}}' }],
        valueText: { '0': 'replica', '1': 'sync standby', '2': 'primary' },
        width: 8,
      }),
    )
    .withPanel(
      stats({
        title: 'Synchronous standbys',
        description:
          'How many standbys does a commit wait for, as the primary sees them? 0 means each commit is on one disk only.',
        queries: [{ expr: 'minitwit:postgres_sync_standbys:count', legend: 'sync standbys' }],
        valueText: { '0': 'none' },
        width: 4,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Replication lag (bytes)',
        description: 'How much WAL written on the primary has each standby not replayed yet?',
        queries: [
          {
            expr: 'max by (application_name, sync_state) (pg_replication_standby_replay_lag_bytes)',
            legend: '{{application_name}} ({{sync_state}})',
          },
        ],
        unit: 'bytes',
        min: 0,
        width: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Replication lag (seconds)',
        description:
          'How long until each standby has written, flushed (what a synchronous commit waits for) and replayed recent WAL?',
        queries: [
          {
            expr: 'max by (application_name) (pg_replication_standby_flush_lag_seconds)',
            legend: '{{application_name}} flush',
          },
          {
            expr: 'max by (application_name) (pg_replication_standby_replay_lag_seconds)',
            legend: '{{application_name}} replay',
          },
        ],
        unit: 's',
        min: 0,
        width: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Timeline and primaries',
        description:
          'Has the primary moved? Each failover or switchover starts a new timeline; the primaries count must stay at 1.',
        queries: [
          { expr: 'max(patroni_postgres_timeline)', legend: 'timeline' },
          { expr: 'minitwit:postgres_primaries:count', legend: 'primaries' },
        ],
        min: 0,
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'WAL archiving',
        description:
          'Does WAL reach the backup host? Segments archived and failed attempts per minute; an idle database archives nothing, and that is fine.',
        queries: [
          { expr: 'sum(rate(pg_wal_archive_archived_count[5m])) * 60', legend: 'archived / min' },
          { expr: 'sum(rate(pg_wal_archive_failed_count[5m])) * 60', legend: 'failed / min' },
          { expr: 'max(pg_wal_archive_ready_segments)', legend: 'waiting segments' },
        ],
        min: 0,
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Age of the last backup by type',
        description:
          'How old is the newest successful full, differential and incremental backup? BackupTooOld fires when the newest of them passes 26 hours.',
        queries: [
          {
            expr: 'max by (stanza, type) (minitwit:pgbackrest_backup_age_seconds)',
            legend: '{{stanza}} {{type}}',
          },
        ],
        unit: 's',
        min: 0,
        width: 8,
      }),
    )
    .withRow(new RowBuilder('Redis'))
    .withPanel(
      timeSeries({
        title: 'Redis clients',
        description: 'How many clients are connected to Redis (publishers, adapters)?',
        queries: [{ expr: 'max(redis_connected_clients)', legend: 'clients' }],
        width: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Redis pub/sub channels and patterns',
        description: 'How many pub/sub channels and patterns carry the live fan-out?',
        queries: [
          { expr: 'max(redis_pubsub_channels)', legend: 'channels' },
          { expr: 'max(redis_pubsub_patterns)', legend: 'patterns' },
        ],
        width: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Redis memory',
        description:
          'How much memory does Redis use? It keeps nothing but pub/sub traffic here, so it should stay flat.',
        queries: [{ expr: 'max(redis_memory_used_bytes)', legend: 'used' }],
        unit: 'bytes',
        width: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Redis commands per second',
        description: 'How many commands does Redis process (mostly PUBLISH)?',
        queries: [{ expr: 'sum(rate(redis_commands_processed_total[1m]))', legend: 'commands' }],
        unit: 'ops',
        width: 6,
      }),
    )
    .withRow(new RowBuilder('Proxies'))
    .withPanel(
      stats({
        title: 'Redis server in use, by proxy',
        description:
          'Swarm only: which Redis does each proxy replica send clients to? All on redis-a is normal; all on redis-b means redis-a is down (RedisOnBackup); a mix splits live events (RedisProxiesDisagree).',
        queries: [
          {
            expr: 'max by (instance) (haproxy_backend_active_servers{job="redis-proxy", proxy="redis"})',
            legend: '{{instance}}',
          },
        ],
        valueText: { '0': 'redis-b (backup)', '1': 'redis-a' },
        width: 12,
      }),
    )
    .withPanel(
      stats({
        title: 'Database proxies reaching the primary',
        description:
          'Does each database proxy replica (postgres) find the primary? One that does not refuses every connection while Patroni has a primary (PostgresProxyNoPrimary).',
        queries: [
          {
            expr: 'max by (instance) (haproxy_backend_active_servers{job="postgres-proxy", proxy="primary"})',
            legend: '{{instance}}',
          },
        ],
        valueText: { '0': 'no primary', '1': 'primary' },
        width: 12,
      }),
    )
    .withRow(new RowBuilder('Host'))
    .withPanel(
      timeSeries({
        title: 'Host CPU',
        description: 'How busy is each host, by mode?',
        queries: [
          {
            expr: 'sum by (instance, mode) (rate(node_cpu_seconds_total{mode!="idle"}[1m])) / on (instance) group_left () count by (instance) (node_cpu_seconds_total{mode="idle"})',
            legend: '{{instance}} {{mode}}',
          },
        ],
        unit: 'percentunit',
        stacked: true,
        width: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Host memory available',
        description: 'How much memory is left for new work on each host?',
        queries: [
          {
            expr: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes',
            legend: '{{instance}}',
          },
        ],
        unit: 'percentunit',
        width: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Disk space free',
        description: 'How much room is left on each real filesystem? The DiskFillingUp alert watches the trend.',
        queries: [
          {
            expr: 'node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"}',
            legend: '{{instance}} {{mountpoint}}',
          },
        ],
        unit: 'percentunit',
        width: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Network traffic',
        description: 'How many bytes does each host send and receive (loopback excluded)?',
        queries: [
          {
            expr: 'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[1m]))',
            legend: '{{instance}} in',
          },
          {
            expr: 'sum by (instance) (rate(node_network_transmit_bytes_total{device!="lo"}[1m]))',
            legend: '{{instance}} out',
          },
        ],
        unit: 'Bps',
        width: 6,
      }),
    )
    .build();
}
