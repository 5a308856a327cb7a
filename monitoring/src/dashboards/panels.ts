import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  MappingType,
  type Dashboard as GrafanaDashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * The few panel shapes our dashboards use, on top of Grafana's typed builders.
 * Every panel must say what question it answers (`description`), and every
 * query uses fixed windows ([1m], [5m]) rather than Grafana's `$__rate_interval`,
 * so the integration test can run each query as written against Prometheus.
 */

/** Provisioned datasources (monitoring/grafana/provisioning/datasources). */
export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: 'prometheus' };
export const LOKI: common.DataSourceRef = { type: 'loki', uid: 'loki' };

export interface Query {
  expr: string;
  legend?: string;
}

interface PanelSpec {
  title: string;
  /** The question the panel answers, shown as its tooltip. */
  description: string;
  queries: Query[];
  unit?: string;
  /** Grid width in 24ths; height in rows. */
  width?: number;
  height?: number;
}

const promQueries = (queries: Query[]) =>
  queries.map((query, index) =>
    new prometheus.DataqueryBuilder()
      .datasource(PROMETHEUS)
      .refId(String.fromCharCode(65 + index))
      .expr(query.expr)
      .legendFormat(query.legend ?? '__auto'),
  );

export function timeSeries(spec: PanelSpec & { stacked?: boolean; min?: number }) {
  const panel = new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .targets(promQueries(spec.queries))
    .unit(spec.unit ?? 'short')
    .span(spec.width ?? 12)
    .height(spec.height ?? 8)
    .fillOpacity(spec.stacked ? 40 : 10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    );
  if (spec.stacked) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.min !== undefined) panel.min(spec.min);
  return panel;
}

/** `valueText` shows a coded value as words (1 → "primary"). */
export function stats(spec: PanelSpec & { valueText?: Record<string, string> }) {
  const panel = new stat.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .targets(promQueries(spec.queries))
    .unit(spec.unit ?? 'short')
    .span(spec.width ?? 6)
    .height(spec.height ?? 5)
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area);
  if (spec.valueText) {
    const options = Object.fromEntries(Object.entries(spec.valueText).map(([value, text]) => [value, { text }]));
    panel.mappings([{ type: MappingType.ValueToText, options }]);
  }
  return panel;
}

/** One row per series, from an instant query: for rankings (table sizes, slowest transactions). */
export function ranking(spec: PanelSpec) {
  return new table.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .targets(promQueries(spec.queries).map((query) => query.instant().format(prometheus.PromQueryFormat.Table)))
    .unit(spec.unit ?? 'short')
    .span(spec.width ?? 12)
    .height(spec.height ?? 8);
}

const lokiQueries = (queries: Query[], maxLines?: number) =>
  queries.map((query, index) => {
    const builder = new loki.DataqueryBuilder()
      .datasource(LOKI)
      .refId(String.fromCharCode(65 + index))
      .expr(query.expr);
    if (query.legend) builder.legendFormat(query.legend);
    if (maxLines) builder.maxLines(maxLines);
    return builder;
  });

/** Loki: counts of log lines over time (LogQL metric queries). */
export function logRates(spec: PanelSpec) {
  return new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(LOKI)
    .targets(lokiQueries(spec.queries))
    .unit(spec.unit ?? 'short')
    .span(spec.width ?? 12)
    .height(spec.height ?? 8)
    .fillOpacity(40)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
}

/** Loki: the log lines themselves, newest first, JSON fields expandable. */
export function logLines(spec: PanelSpec) {
  return new logs.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(LOKI)
    .targets(lokiQueries(spec.queries, 1000))
    .span(spec.width ?? 24)
    .height(spec.height ?? 12)
    .showTime(true)
    .wrapLogMessage(true)
    .prettifyLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending);
}

export type Dashboard = GrafanaDashboard;

/** The header every MiniTwit dashboard shares: uid `minitwit-<name>`, tags, refresh and default range. */
export function minitwitDashboard(
  name: string,
  spec: { title: string; description: string; refresh: string; from: string },
) {
  return new DashboardBuilder(`MiniTwit / ${spec.title}`)
    .uid(`minitwit-${name}`)
    .description(spec.description)
    .tags(['minitwit', name])
    .refresh(spec.refresh)
    .time({ from: spec.from, to: 'now' });
}
