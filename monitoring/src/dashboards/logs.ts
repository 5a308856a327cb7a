import { RowBuilder, TextBoxVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { logLines, logRates, minitwitDashboard } from './panels';

/**
 * The services' JSON logs in Loki (shipped by Alloy, labelled `service` and
 * `level`; see monitoring/alloy/config.alloy). LogQL only: these panels cannot
 * be checked against Prometheus.
 */
export function logsDashboard() {
  return minitwitDashboard('logs', {
    title: 'Logs',
    description: 'Errors by service and one request followed by its requestId across proxy, web/api and realtime.',
    refresh: '30s',
    from: 'now-1h',
  })
    .withVariable(
      new TextBoxVariableBuilder('requestId')
        .label('Request id')
        .description('An X-Request-Id (from a response header, an error page or another log line)'),
    )
    .withRow(new RowBuilder('Errors'))
    .withPanel(
      logRates({
        title: 'Errors by service',
        description: 'Which service logs errors, and since when?',
        queries: [
          { expr: 'sum by (service) (count_over_time({service=~".+", level="error"} [5m]))', legend: '{{service}}' },
        ],
      }),
    )
    .withPanel(
      logRates({
        title: 'Log lines by service and level',
        description: 'How much does each service log, at which level? A jump in warnings often precedes errors.',
        queries: [
          {
            expr: 'sum by (service, level) (count_over_time({service=~".+"} [5m]))',
            legend: '{{service}} {{level}}',
          },
        ],
      }),
    )
    .withPanel(
      logLines({
        title: 'Error lines',
        description: 'What exactly went wrong? Newest first; expand a line for its fields (requestId, stack).',
        queries: [{ expr: '{service=~".+", level="error"} | json' }],
      }),
    )
    .withRow(new RowBuilder('Follow a request'))
    .withPanel(
      logLines({
        title: 'Everything about request $requestId',
        description:
          'What happened to one request, in order, across the proxy (its access line), web or api, and realtime? Enter the id above.',
        queries: [{ expr: '{service=~".+"} |= "$requestId"' }],
        height: 14,
      }),
    )
    .build();
}
