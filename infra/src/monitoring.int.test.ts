import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ApiUnderTest, startApiUnderTest } from '@minitwit/api/testing';
import { createLogger, createServiceMetrics } from '@minitwit/monitoring';
import { type RealtimeServer, createRealtimeServer } from '@minitwit/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const havePromtool = existsSync(PROMTOOL);
const havePrometheus = existsSync(PROMETHEUS);
if (!havePrometheus || !havePromtool) {
  console.warn('SKIPPED: Prometheus tests — prometheus/promtool not installed (apt-get install prometheus)');
}

interface Panel {
  title: string;
  targets: { expr: string }[];
}

async function dashboardQueries(): Promise<{ title: string; expr: string }[]> {
  const file = join(root, 'monitoring/grafana/dashboards/minitwit-overview.json');
  const dashboard = JSON.parse(await readFile(file, 'utf8')) as { panels: Panel[] };
  return dashboard.panels.flatMap((panel) => panel.targets.map(({ expr }) => ({ title: panel.title, expr })));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!havePromtool)('Prometheus configuration', () => {
  it('passes promtool: the scrape config and the alert rules', async () => {
    const rules = await run(PROMTOOL, ['check', 'rules', join(root, 'monitoring/prometheus/rules.yml')]);
    expect(rules.stdout).toMatch(/SUCCESS: 4 rules found/);
    // The deployed config names /etc/prometheus/rules.yml; check it with the rules beside it.
    const dir = await mkdtemp(join(tmpdir(), 'minitwit-promtool-'));
    try {
      const config = await readFile(join(root, 'monitoring/prometheus/prometheus.yml'), 'utf8');
      await writeFile(join(dir, 'prometheus.yml'), config.replace('/etc/prometheus/rules.yml', 'rules.yml'));
      await writeFile(join(dir, 'rules.yml'), await readFile(join(root, 'monitoring/prometheus/rules.yml')));
      const checked = await run(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(checked.stdout).toMatch(/SUCCESS/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A real Prometheus scraping a real API and realtime server: every Grafana
 * panel's query must return data, so the dashboards and the services' metric
 * names and labels cannot drift apart.
 */
describe.skipIf(!havePrometheus)('Grafana dashboard against a real Prometheus', () => {
  let api: ApiUnderTest;
  let realtime: RealtimeServer;
  let prometheus: ChildProcess;
  let promUrl: string;
  let dir: string;

  beforeAll(async () => {
    api = await startApiUnderTest('embedded');
    realtime = await createRealtimeServer({
      db: api.database.db,
      logger: createLogger({ service: 'realtime-test', silent: true }),
      metrics: createServiceMetrics('realtime'),
    });
    await new Promise<void>((resolve) => realtime.httpServer.listen(0, '127.0.0.1', resolve));
    const realtimePort = (realtime.httpServer.address() as AddressInfo).port;

    dir = await mkdtemp(join(tmpdir(), 'minitwit-prometheus-'));
    const apiTarget = new URL(api.url).host;
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        `  - { job_name: api, static_configs: [{ targets: ['${apiTarget}'] }] }`,
        `  - { job_name: realtime, static_configs: [{ targets: ['127.0.0.1:${realtimePort}'] }] }`,
      ].join('\n'),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await realtime?.close();
    await api?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function query(expr: string): Promise<unknown[]> {
    const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data?.result ?? [];
  }

  async function eventually(expr: string, attempts = 60): Promise<unknown[]> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        const result = await query(expr);
        if (result.length > 0) return result;
      } catch {
        // Prometheus may not be up yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return [];
  }

  it('returns data for every panel query', { timeout: 180_000 }, async () => {
    // Counters must be seen before the traffic, or their increase is invisible to rate().
    expect(await eventually('up{job="api"} == 1')).not.toEqual([]);
    expect(await eventually('up{job="realtime"} == 1')).not.toEqual([]);
    const auth = { Authorization: 'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh', 'Content-Type': 'application/json' };
    await fetch(`${api.url}/register`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ username: 'metered', email: 'm@example.com', pwd: 'pw' }),
    });
    // Traffic of every kind the panels show: writes, a refused write (4xx), reads.
    const traffic = async (round: number) => {
      for (let i = 0; i < 3; i++) {
        const body = JSON.stringify({ content: `round ${round} #${i}` });
        await fetch(`${api.url}/msgs/metered`, { method: 'POST', headers: auth, body });
      }
      await fetch(`${api.url}/msgs/nobody`, { method: 'POST', headers: auth, body: JSON.stringify({ content: 'x' }) });
      await fetch(`${api.url}/msgs`, { headers: auth });
    };
    await traffic(1);
    // A labelled series appears with its first request; rate() sees only what changes after that scrape.
    expect(await eventually('http_requests_total{service="api", route="/msgs/:username", status="404"}')).not.toEqual(
      [],
    );
    await traffic(2);

    // Rates need two scrapes after the traffic.
    expect(
      await eventually('sum(increase(http_requests_total{service="api", route="/msgs/:username"}[1m])) > 0'),
    ).not.toEqual([]);
    expect(await eventually('count(realtime_connected_sockets)')).not.toEqual([]);

    const missing: string[] = [];
    for (const { title, expr } of await dashboardQueries()) {
      // A healthy system serves no 5xx: that series may rightly be empty.
      if (expr.includes('"5.."')) {
        await query(expr);
        continue;
      }
      // By now every series has been scraped several times: a few more seconds at most.
      if ((await eventually(expr, 10)).length === 0) missing.push(`${title}: ${expr}`);
    }
    expect(missing).toEqual([]);
    const business = (await query('max by (kind) (minitwit_entities)')) as {
      metric: { kind: string };
      value: [number, string];
    }[];
    const figures = Object.fromEntries(business.map((series) => [series.metric.kind, Number(series.value[1])]));
    expect(figures).toEqual({ users: 1, messages: 6, follows: 0 });
  });
});
