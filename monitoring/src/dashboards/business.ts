import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { minitwitDashboard, ranking, stats, timeSeries } from './panels';

/** What the product does: people, messages, follows, live viewers, the simulator's traffic, and which release runs. */
export function businessDashboard() {
  return minitwitDashboard('business', {
    title: 'Business',
    description: 'Users, messages and follows; who watches live; what the course simulator sends us.',
    refresh: '30s',
    from: 'now-6h',
  })
    .withRow(new RowBuilder('Totals'))
    .withPanel(
      stats({
        title: 'Users',
        description: 'How many people have registered (web and simulator API)?',
        queries: [{ expr: 'minitwit:entities:max{kind="users"}', legend: 'users' }],
      }),
    )
    .withPanel(
      stats({
        title: 'Messages',
        description: 'How many visible messages are there (flagged ones excluded)?',
        queries: [{ expr: 'minitwit:entities:max{kind="messages"}', legend: 'messages' }],
      }),
    )
    .withPanel(
      stats({
        title: 'Follows',
        description: 'How many follow relations exist?',
        queries: [{ expr: 'minitwit:entities:max{kind="follows"}', legend: 'follows' }],
      }),
    )
    .withPanel(
      stats({
        title: 'Flagged messages',
        description: 'How many messages has moderation hidden?',
        queries: [{ expr: 'minitwit:entities:max{kind="flagged"}', legend: 'flagged' }],
      }),
    )
    .withRow(new RowBuilder('Activity'))
    .withPanel(
      timeSeries({
        title: 'Messages and registrations per minute',
        description: 'How fast are people posting and signing up (both front doors together)?',
        queries: [
          { expr: 'delta(minitwit:entities:max{kind="messages"}[5m]) / 5', legend: 'messages / min' },
          { expr: 'delta(minitwit:entities:max{kind="users"}[5m]) / 5', legend: 'registrations / min' },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Active live viewers',
        description: 'How many open pages are watching a live timeline right now, by kind of timeline?',
        queries: [{ expr: 'sum by (scope) (realtime_viewers)', legend: '{{scope}}' }],
        stacked: true,
      }),
    )
    .withRow(new RowBuilder('Simulator'))
    .withPanel(
      stats({
        title: 'Simulator latest',
        description: 'Which `latest` did the simulator send last? It should keep rising while the simulator runs.',
        queries: [{ expr: 'max(minitwit_simulator_latest)', legend: 'latest' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Simulator writes per second by endpoint',
        description: 'What is the simulator writing, and how fast (POST requests by route and status)?',
        queries: [
          {
            expr: 'sum by (route, status) (rate(http_requests_total{service="api", method="POST"}[1m]))',
            legend: '{{route}} {{status}}',
          },
        ],
        width: 9,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Simulator errors per second by endpoint',
        description:
          'Which simulator requests fail (4xx: the simulator sent something we refuse, e.g. an unknown user; 5xx: our fault)?',
        queries: [
          {
            expr: 'sum by (route, status) (rate(http_requests_total{service="api", status=~"[45].."}[5m]))',
            legend: '{{route}} {{status}}',
          },
        ],
        width: 9,
      }),
    )
    .withRow(new RowBuilder('Release'))
    .withPanel(
      ranking({
        title: 'Running versions',
        description:
          'Which release (version and git revision) does each service run, on how many replicas? Two rows for one service: a deploy is rolling.',
        queries: [
          {
            expr: 'count by (service, version, revision) (minitwit_build_info)',
            legend: '{{service}} {{version}} {{revision}}',
          },
        ],
        width: 24,
        height: 6,
      }),
    )
    .build();
}
