import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dashboards, renderDashboard } from './index';

const monitoring = new URL('../../', import.meta.url).pathname;
const dashboardDir = join(monitoring, 'grafana/dashboards');

interface Target {
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { uid?: string; type?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}

async function committed(file: string): Promise<{ uid: string; title: string; panels: Panel[] }> {
  return JSON.parse(await readFile(join(dashboardDir, file), 'utf8'));
}

/** Datasource uids Grafana is provisioned with. */
async function provisionedUids(): Promise<Set<string>> {
  const dir = join(monitoring, 'grafana/provisioning/datasources');
  const uids = new Set<string>();
  for (const file of await readdir(dir)) {
    const config = parse(await readFile(join(dir, file), 'utf8')) as { datasources: { uid: string }[] };
    for (const source of config.datasources) uids.add(source.uid);
  }
  return uids;
}

describe('dashboards as code', () => {
  it('the committed JSON is exactly what the typed source generates', async () => {
    const files = (await readdir(dashboardDir)).filter((file) => file.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(dashboards).sort());
    for (const [file, build] of Object.entries(dashboards)) {
      expect(await readFile(join(dashboardDir, file), 'utf8'), `${file}: run npm run dashboards -w monitoring`).toBe(
        await renderDashboard(build),
      );
    }
  });

  it('every panel says what it answers, sits on the grid, and queries a provisioned datasource', async () => {
    const uids = await provisionedUids();
    const dashboardUids = new Set<string>();
    for (const file of Object.keys(dashboards)) {
      const dashboard = await committed(file);
      expect(dashboardUids.has(dashboard.uid), `${file}: duplicate uid`).toBe(false);
      dashboardUids.add(dashboard.uid);
      const ids = dashboard.panels.map((panel) => panel.id);
      expect(new Set(ids).size, `${file}: panel ids unique`).toBe(ids.length);
      const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
      expect(panels.length).toBeGreaterThan(0);
      for (const panel of panels) {
        const where = `${file} / ${panel.title}`;
        expect(panel.title, where).toBeTruthy();
        expect(panel.description?.length ?? 0, `${where}: description`).toBeGreaterThan(15);
        expect(panel.gridPos, where).toBeDefined();
        expect(panel.gridPos!.x + panel.gridPos!.w, `${where}: fits 24 columns`).toBeLessThanOrEqual(24);
        expect(uids.has(panel.datasource?.uid ?? ''), `${where}: datasource`).toBe(true);
        expect(panel.targets?.length ?? 0, `${where}: queries`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          expect(target.expr?.trim(), where).toBeTruthy();
          expect(target.datasource?.uid, where).toBe(panel.datasource?.uid);
          // Fixed windows only: Grafana's interval macros would not run as written against Prometheus.
          if (panel.datasource?.uid === 'prometheus') expect(target.expr, where).not.toMatch(/\$__/);
          // LogQL: a stream selector with at least one label matcher.
          if (panel.datasource?.uid === 'loki') expect(target.expr, where).toMatch(/\{service=~?"[^"]+"/);
        }
      }
      // Panels of a row do not overlap.
      const cells = new Set<string>();
      for (const panel of dashboard.panels) {
        const { x, y, w, h } = panel.gridPos!;
        for (let column = x; column < x + w; column++) {
          for (let row = y; row < y + h; row++) {
            const cell = `${column},${row}`;
            expect(cells.has(cell), `${file} / ${panel.title}: overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
        }
      }
    }
    expect([...dashboardUids].sort()).toEqual([
      'minitwit-business',
      'minitwit-infrastructure',
      'minitwit-logs',
      'minitwit-realtime',
    ]);
  });

  it('the Infrastructure dashboard has a Database tier row, fed only by metrics something produces', async () => {
    const { panels } = await committed('minitwit-infrastructure.json');
    const start = panels.findIndex((panel) => panel.type === 'row' && panel.title === 'Database tier');
    expect(start, 'Database tier row').toBeGreaterThan(-1);
    const end = panels.findIndex((panel, index) => index > start && panel.type === 'row');
    const row = panels.slice(start + 1, end === -1 ? undefined : end);
    expect(row.map((panel) => panel.title)).toEqual([
      'Database node roles',
      'Synchronous standbys',
      'Replication lag (bytes)',
      'Replication lag (seconds)',
      'Timeline and primaries',
      'WAL archiving',
      'Age of the last backup by type',
    ]);
    const roles = row[0] as Panel & { fieldConfig?: { defaults?: { mappings?: { options: object }[] } } };
    expect(roles.fieldConfig?.defaults?.mappings?.[0]?.options).toEqual({
      '0': { text: 'replica' },
      '1': { text: 'sync standby' },
      '2': { text: 'primary' },
    });

    // What produces each name: the recording rules, the exporter's extra queries (namespace_column),
    // Patroni 3.0.2's /metrics (patroni/api.py) and the backup host's exporter contract.
    const produced = new Set<string>([
      'patroni_primary',
      'patroni_replica',
      'patroni_sync_standby',
      'patroni_postgres_running',
      'patroni_postgres_timeline',
      'patroni_xlog_location',
      'patroni_xlog_received_location',
      'patroni_xlog_replayed_location',
      'patroni_cluster_unlocked',
      'pgbackrest_up',
      'pgbackrest_backup_last_completion_timestamp_seconds',
      'pgbackrest_backup_last_size_bytes',
      'pgbackrest_backups',
    ]);
    const rules = parse(await readFile(join(monitoring, 'prometheus/rules/database-tier.yml'), 'utf8')) as {
      groups: { rules: { record?: string }[] }[];
    };
    for (const rule of rules.groups.flatMap((group) => group.rules)) if (rule.record) produced.add(rule.record);
    const queries = parse(await readFile(join(monitoring, 'postgres-exporter/queries.yml'), 'utf8')) as Record<
      string,
      { metrics: Record<string, { usage: string }>[] }
    >;
    for (const [namespace, query] of Object.entries(queries)) {
      for (const [column, { usage }] of query.metrics.flatMap((metric) => Object.entries(metric))) {
        if (usage !== 'LABEL') produced.add(`${namespace}_${column}`);
      }
    }
    const used = row.flatMap((panel) =>
      (panel.targets ?? []).flatMap(
        (target) => target.expr!.match(/\b(?:patroni|pgbackrest|pg)_\w+|minitwit:[\w:]+/g) ?? [],
      ),
    );
    expect(used.length).toBeGreaterThanOrEqual(row.length);
    expect(used.filter((name) => !produced.has(name))).toEqual([]);
    expect(used).toEqual(
      expect.arrayContaining([
        'patroni_primary',
        'patroni_sync_standby',
        'pg_replication_standby_replay_lag_bytes',
        'pg_replication_standby_replay_lag_seconds',
        'minitwit:postgres_sync_standbys:count',
        'patroni_postgres_timeline',
        'pg_wal_archive_archived_count',
        'pg_wal_archive_failed_count',
        'minitwit:pgbackrest_backup_age_seconds',
      ]),
    );
  });

  it('Grafana loads them from where the dashboard provider points', async () => {
    const provider = parse(
      await readFile(join(monitoring, 'grafana/provisioning/dashboards/minitwit.yml'), 'utf8'),
    ) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
    expect(provider.apiVersion).toBe(1);
    expect(provider.providers).toEqual([
      expect.objectContaining({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } }),
    ]);
  });
});
