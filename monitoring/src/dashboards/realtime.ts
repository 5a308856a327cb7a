import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { minitwitDashboard, timeSeries } from './panels';

const quantile = (q: number, metric: string, by = '') =>
  `histogram_quantile(${q}, sum by (le${by}) (rate(${metric}[5m])))`;

/** Live timelines: who is connected where, what reaches them, and how fast. */
export function realtimeDashboard() {
  const emit = 'realtime_commit_to_emit_seconds_bucket{event="message:created"}';
  return minitwitDashboard('realtime', {
    title: 'Realtime',
    description: 'Socket.IO servers: sockets, subscriptions, deliveries and the commit→browser latency.',
    refresh: '10s',
    from: 'now-1h',
  })
    .withRow(new RowBuilder('Connections'))
    .withPanel(
      timeSeries({
        title: 'Sockets per server',
        description: 'How many browsers hold a socket on each realtime server? Stacked: the top is the total.',
        queries: [{ expr: 'sum by (instance) (realtime_connected_sockets)', legend: '{{instance}}' }],
        stacked: true,
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Sockets by view',
        description: 'What do open pages watch (public, a user’s page, My Timeline), signed in or not?',
        queries: [
          {
            expr: 'sum by (scope, signed_in) (realtime_viewers)',
            legend: '{{scope}} signed in: {{signed_in}}',
          },
        ],
        stacked: true,
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Connects and disconnects by reason',
        description:
          'Are browsers connecting (handshakes by outcome) and why do they leave? A burst of "transport close" or "ping timeout" means a server or the network dropped them.',
        queries: [
          { expr: 'sum by (result) (rate(realtime_handshakes_total[5m]))', legend: 'connect: {{result}}' },
          { expr: 'sum by (reason) (rate(realtime_disconnects_total[5m]))', legend: 'disconnect: {{reason}}' },
        ],
        unit: 'ops',
        width: 8,
      }),
    )
    .withRow(new RowBuilder('Delivery'))
    .withPanel(
      timeSeries({
        title: 'Deliveries per second',
        description: 'How many events do the servers write to sockets (one per socket per event)?',
        queries: [{ expr: 'sum by (event) (rate(realtime_messages_delivered_total[1m]))', legend: '{{event}}' }],
        unit: 'ops',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Commit → emit latency',
        description:
          'How long after a write commits do the realtime servers send it to their sockets (p50, p95, p99 across servers)? The LiveDeliverySlow alert fires above 1 s.',
        queries: [
          { expr: quantile(0.5, emit), legend: 'p50' },
          { expr: quantile(0.95, emit), legend: 'p95' },
          { expr: 'realtime:commit_to_emit_seconds:p99_5m', legend: 'p99' },
        ],
        unit: 's',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Commit → emit p99 per server',
        description:
          'Is one realtime server slower to deliver than the others (a busy event loop, a lagging Redis link)?',
        queries: [{ expr: quantile(0.99, emit, ', instance'), legend: '{{instance}}' }],
        unit: 's',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Commit → browser latency (sampled)',
        description:
          'How long until a browser actually has a new message? Measured on a sample of receipts the browsers report back, so it includes the report’s way back (half a round trip).',
        queries: [
          { expr: quantile(0.5, 'realtime_commit_to_browser_seconds_bucket'), legend: 'p50' },
          { expr: quantile(0.99, 'realtime_commit_to_browser_seconds_bucket'), legend: 'p99' },
        ],
        unit: 's',
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Catch-up sizes',
        description:
          'How much did pages miss while away (messages per subscription reply)? Large values mean long disconnections.',
        queries: [
          { expr: quantile(0.5, 'realtime_backlog_size_messages_bucket'), legend: 'p50' },
          { expr: quantile(0.99, 'realtime_backlog_size_messages_bucket'), legend: 'p99' },
          { expr: 'sum(rate(realtime_backlog_messages_total[5m]))', legend: 'messages/s sent as catch-up' },
        ],
        width: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Subscriptions per second by scope',
        description: 'How often do pages (re)subscribe, by timeline? A spike follows a server restart.',
        queries: [{ expr: 'sum by (scope) (rate(realtime_subscriptions_total[5m]))', legend: '{{scope}}' }],
        unit: 'ops',
        width: 8,
      }),
    )
    .withRow(new RowBuilder('Redis adapter'))
    .withPanel(
      timeSeries({
        title: 'Redis adapter connections per server',
        description:
          'Is each server’s adapter connected to Redis (1) or reconnecting (0)? A server whose subscriber is down stops hearing the others and the writers.',
        queries: [
          {
            expr: 'max by (instance, role) (redis_connection_up{service="realtime"})',
            legend: '{{instance}} {{role}}',
          },
        ],
        min: 0,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Redis pub/sub channels and patterns',
        description: 'Does Redis carry the adapters’ channels (one set per realtime server)?',
        queries: [
          { expr: 'max(redis_pubsub_channels)', legend: 'channels' },
          { expr: 'max(redis_pubsub_patterns)', legend: 'patterns' },
        ],
      }),
    )
    .build();
}
