/**
 * Grafana's provisioning, checked without a Grafana (no image of it can be
 * built here): every datasource points at a service that docker-compose.yml
 * and docker-stack.yml run (each with the observability overlay,
 * monitoring/compose.observability.yml, which adds Loki), on the port it
 * listens on; the dashboard provider reads the folder both files put every
 * dashboard in; every panel names a provisioned datasource; and every
 * Prometheus query is valid PromQL that the topology's real Prometheus
 * answers, with every replica's target up. Loki queries are not run: no Loki
 * image can be built here either (monitoring's own tests cover LogQL).
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
const load = async (file: string) => parse(await readFile(join(root, file), 'utf8')) as ComposeFile;
const overlay = await load('monitoring/compose.observability.yml');
const files = { compose: await load('docker-compose.yml'), stack: await load('docker-stack.yml') };
/** Service names a datasource may point at: the file's own and the overlay's. */
const servicesOf = (file: ComposeFile) => new Set([...Object.keys(file.services), ...Object.keys(overlay.services)]);
/** Where a file puts things inside the grafana container (bind-mount or config targets). */
const grafanaTargets = (file: ComposeFile) => [
  ...(file.services.grafana?.volumes ?? []).map((v) => (typeof v === 'string' ? (v.split(':')[1] ?? '') : v.target)),
  ...(file.services.grafana?.configs ?? []).map((c) => c.target),
];

/** Provisioned datasources: uid → type (prometheus, loki). */
const datasources = new Map<string, string>();
for (const name of await readdir(join(grafana, 'provisioning/datasources'))) {
  const doc = parse(await readFile(join(grafana, 'provisioning/datasources', name), 'utf8')) as {
    datasources: { uid: string; type: string; url: string }[];
  };
  for (const source of doc.datasources) {
    datasources.set(source.uid, source.type);
    const url = new URL(source.url);
    for (const [which, file] of Object.entries(files)) {
      if (!servicesOf(file).has(url.hostname))
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
      // A folder mounted there (compose) or each dashboard file put there (Swarm configs).
      const targets = grafanaTargets(file);
      for (const dashboard of await readdir(join(grafana, 'dashboards'))) {
        const path = join(provider.options.path, dashboard);
        if (!targets.some((target) => target === provider.options.path || target === path))
          problems.push(`${which}: ${dashboard} is not put in ${provider.options.path}, where dashboards are read`);
      }
    }
  }
}

interface Panel {
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}
/** Panels, including those nested in collapsed rows. */
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
async function query(expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
}
let queries = 0;
let notRun = 0;
for (const name of await readdir(join(grafana, 'dashboards'))) {
  const dashboard = JSON.parse(await readFile(join(grafana, 'dashboards', name), 'utf8')) as { panels: Panel[] };
  for (const panel of allPanels(dashboard.panels)) {
    if (panel.datasource?.uid && !datasources.has(panel.datasource.uid))
      problems.push(`${name} "${panel.title}": datasource ${panel.datasource.uid} is not provisioned`);
    for (const target of panel.targets ?? []) {
      const uid = target.datasource?.uid ?? panel.datasource?.uid;
      if (uid && !datasources.has(uid)) problems.push(`${name} "${panel.title}": datasource ${uid} is not provisioned`);
      if (uid && datasources.get(uid) !== 'prometheus') {
        notRun++;
        continue;
      }
      const { expr } = target;
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

process.stdout.write(`${JSON.stringify({ queries, notRun, targetsUp: up, problems })}\n`);
process.exit(problems.length === 0 ? 0 : 1);
