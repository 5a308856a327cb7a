/**
 * Grafana's provisioning, checked without a Grafana (no image of it can be
 * built here): every datasource points at a service that docker-compose.yml
 * and docker-stack.yml both run, on the port it listens on; the dashboard
 * provider reads the folder both files put the dashboards in; every panel
 * names a provisioned datasource; and every panel query is valid PromQL that
 * the topology's real Prometheus answers, with every replica's target up.
 * Usage: tsx infra/topology/grafana-provisioning.ts <prometheus-url>
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

const [prometheusUrl] = process.argv.slice(2);
if (!prometheusUrl) {
  process.stderr.write('usage: grafana-provisioning.ts <prometheus-url>\n');
  process.exit(2);
}
const root = new URL('../..', import.meta.url).pathname;
const grafana = join(root, 'monitoring/grafana');
const problems: string[] = [];

interface ComposeFile {
  services: Record<string, { volumes?: (string | { target: string })[]; configs?: { target: string }[] }>;
}
const files = {
  compose: parse(await readFile(join(root, 'docker-compose.yml'), 'utf8')) as ComposeFile,
  stack: parse(await readFile(join(root, 'docker-stack.yml'), 'utf8')) as ComposeFile,
};
/** Where a file puts things inside the grafana container (bind-mount or config targets). */
const grafanaTargets = (file: ComposeFile) => [
  ...(file.services.grafana?.volumes ?? []).map((v) => (typeof v === 'string' ? (v.split(':')[1] ?? '') : v.target)),
  ...(file.services.grafana?.configs ?? []).map((c) => c.target),
];

const datasourceUids = new Set<string>();
for (const name of await readdir(join(grafana, 'provisioning/datasources'))) {
  const doc = parse(await readFile(join(grafana, 'provisioning/datasources', name), 'utf8')) as {
    datasources: { uid: string; url: string }[];
  };
  for (const source of doc.datasources) {
    datasourceUids.add(source.uid);
    const url = new URL(source.url);
    for (const [which, file] of Object.entries(files)) {
      if (!file.services[url.hostname])
        problems.push(`${which}: datasource ${source.uid} names ${url.hostname}, no such service`);
    }
    if (url.hostname === 'prometheus' && url.port !== '9090')
      problems.push(`datasource port ${url.port}, Prometheus listens on 9090`);
  }
}

for (const name of await readdir(join(grafana, 'provisioning/dashboards'))) {
  const doc = parse(await readFile(join(grafana, 'provisioning/dashboards', name), 'utf8')) as {
    providers: { options: { path: string } }[];
  };
  for (const provider of doc.providers) {
    for (const [which, file] of Object.entries(files)) {
      if (!grafanaTargets(file).some((target) => target.startsWith(provider.options.path)))
        problems.push(`${which}: nothing is put in ${provider.options.path}, where the dashboards are read`);
    }
  }
}

interface Panel {
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string }[];
}
async function query(expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
}
let queries = 0;
for (const name of await readdir(join(grafana, 'dashboards'))) {
  const dashboard = JSON.parse(await readFile(join(grafana, 'dashboards', name), 'utf8')) as { panels: Panel[] };
  for (const panel of dashboard.panels) {
    if (panel.datasource?.uid && !datasourceUids.has(panel.datasource.uid))
      problems.push(`${name} "${panel.title}": datasource ${panel.datasource.uid} is not provisioned`);
    for (const { expr } of panel.targets ?? []) {
      queries++;
      const answer = await query(expr);
      if (answer.status !== 'success')
        problems.push(`${name} "${panel.title}": ${expr}: ${answer.error ?? answer.status}`);
    }
  }
}

// Every replica scraped (Prometheus finds them by DNS; the first scrape may take one interval).
let up = 0;
for (let attempt = 0; attempt < 30; attempt++) {
  const answer = await query('count(up{job=~"web|api|realtime"} == 1)');
  up = Number((answer.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
  if (up >= 7) break;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
}
if (up < 7) problems.push(`only ${up} web/api/realtime targets up in Prometheus, expected every replica (>= 7)`);

process.stdout.write(`${JSON.stringify({ queries, targetsUp: up, problems })}\n`);
process.exit(problems.length === 0 ? 0 : 1);
