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
