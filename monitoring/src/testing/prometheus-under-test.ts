import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type RunningProcess, freePort, startProcess, waitForHttp } from './processes';

export const PROMETHEUS = '/usr/bin/prometheus';
const prometheusDir = new URL('../../prometheus/', import.meta.url).pathname;

interface ScrapeJob {
  job_name: string;
  dns_sd_configs?: unknown;
  static_configs?: { targets: string[] }[];
  [key: string]: unknown;
}
/**
 * Local targets of one job: addresses, or groups of them with labels — the
 * `__meta_*` labels a job's discovery would have set, for its relabelling.
 */
export type LocalTargets = string[] | { targets: string[]; labels: Record<string, string> }[];

interface PrometheusConfig {
  global?: Record<string, unknown>;
  rule_files?: string[];
  scrape_configs: ScrapeJob[];
}

/**
 * The project's own prometheus.yml with only what cannot work here replaced:
 * each job's discovery becomes the local targets given for it (the services
 * and exporters run as processes on random ports, not under Docker's DNS),
 * intervals shrink to 1 s so a test sees rates quickly, and the rules are read
 * from `rulesDir`. Everything else (jobs, relabelling, rule files) is the
 * deployed configuration. A job without local targets is an error: the test
 * must cover every job.
 */
export function renderScrapeConfig(real: string, targets: Record<string, LocalTargets>, rulesDir: string): string {
  const config = parse(real) as PrometheusConfig;
  const jobs = config.scrape_configs.map((job) => job.job_name);
  const unknown = Object.keys(targets).filter((job) => !jobs.includes(job));
  const missing = jobs.filter((job) => !targets[job]);
  if (unknown.length > 0 || missing.length > 0) {
    throw new Error(`scrape jobs: no local targets for [${missing.join(', ')}], unknown [${unknown.join(', ')}]`);
  }
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = (config.rule_files ?? []).map((path) => join(rulesDir, path.split('/').pop()!));
  config.scrape_configs = config.scrape_configs.map((job) => {
    const { dns_sd_configs: _discovery, static_configs: _static, ...rest } = job;
    const local = targets[job.job_name]!;
    const groups = local.every((target) => typeof target === 'string') ? [{ targets: local }] : local;
    return { ...rest, static_configs: groups };
  });
  return stringify(config);
}

export interface PrometheusUnderTest {
  url: string;
  config: string;
  query(expr: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus on a random port with the rendered project config; `selfTarget` is filled in for its own job. */
export async function startPrometheus(targets: Record<string, LocalTargets>): Promise<PrometheusUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'minitwit-prometheus-'));
  let running: RunningProcess | undefined;
  try {
    await mkdir(join(dir, 'rules'));
    for (const file of await readdir(join(prometheusDir, 'rules'))) {
      await copyFile(join(prometheusDir, 'rules', file), join(dir, 'rules', file));
    }
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = renderScrapeConfig(
      await readFile(join(prometheusDir, 'prometheus.yml'), 'utf8'),
      { ...targets, prometheus: [`127.0.0.1:${port}`] },
      join(dir, 'rules'),
    );
    await writeFile(join(dir, 'prometheus.yml'), config);
    running = startProcess(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    await waitForHttp(`${url}/-/ready`, running);
    const process = running;
    return {
      url,
      config,
      async query(expr) {
        const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
        const body = (await response.json()) as { status: string; error?: string; data?: { result: PromSample[] } };
        if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
        return body.data?.result ?? [];
      },
      async stop() {
        await process.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await running?.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
