import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const prometheusDir = join(root, 'monitoring/prometheus');
const PROMTOOL = '/usr/bin/promtool';
const havePromtool = existsSync(PROMTOOL);
if (!havePromtool) console.warn('SKIPPED: promtool checks — promtool not installed (apt-get install prometheus)');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTest {
  alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[];
}

async function ruleFiles(): Promise<string[]> {
  return (await readdir(join(prometheusDir, 'rules'))).filter((file) => file.endsWith('.yml')).sort();
}

async function rules(): Promise<Rule[]> {
  const all: Rule[] = [];
  for (const file of await ruleFiles()) {
    const content = parse(await readFile(join(prometheusDir, 'rules', file), 'utf8')) as {
      groups: { rules: Rule[] }[];
    };
    for (const group of content.groups) all.push(...group.rules);
  }
  return all;
}

async function ruleTests(): Promise<string[]> {
  return (await readdir(join(prometheusDir, 'tests'))).filter((file) => file.endsWith('.test.yml')).sort();
}

describe.skipIf(!havePromtool)('Prometheus configuration (promtool)', () => {
  it('passes promtool check config, check rules and test rules', async () => {
    // The deployed config names /etc/prometheus/rules/*.yml: check it against a copy laid out the same way.
    const dir = await mkdtemp(join(tmpdir(), 'minitwit-promtool-'));
    try {
      await mkdir(join(dir, 'rules'));
      for (const file of await ruleFiles())
        await copyFile(join(prometheusDir, 'rules', file), join(dir, 'rules', file));
      const config = await readFile(join(prometheusDir, 'prometheus.yml'), 'utf8');
      expect(config).toContain('/etc/prometheus/rules/*.yml');
      await writeFile(join(dir, 'prometheus.yml'), config.replace('/etc/prometheus/rules/*.yml', 'rules/*.yml'));
      const checked = await run(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(checked.stdout).toMatch(/SUCCESS: .*prometheus\.yml is valid/);
      expect(checked.stdout).not.toMatch(/FAILED/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const files = (await ruleFiles()).map((file) => join(prometheusDir, 'rules', file));
    const rulesChecked = await run(PROMTOOL, ['check', 'rules', ...files]);
    expect(rulesChecked.stdout.match(/SUCCESS/g)).toHaveLength(files.length);
    const tests = (await ruleTests()).map((file) => join(prometheusDir, 'tests', file));
    const tested = await run(PROMTOOL, ['test', 'rules', ...tests]);
    expect(tested.stdout.match(/SUCCESS/g)).toHaveLength(tests.length);
  });
});

describe('alert rules', () => {
  it('every alert has a unit test where it fires and one where it stays silent', async () => {
    const fires = new Set<string>();
    const silent = new Set<string>();
    for (const file of await ruleTests()) {
      const content = parse(await readFile(join(prometheusDir, 'tests', file), 'utf8')) as { tests: RuleTest[] };
      for (const test of content.tests) {
        for (const check of test.alert_rule_test ?? []) {
          (check.exp_alerts.length > 0 ? fires : silent).add(check.alertname);
        }
      }
    }
    const alerts = (await rules()).flatMap((rule) => (rule.alert ? [rule.alert] : []));
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    expect(
      alerts.filter((alert) => !fires.has(alert)),
      'alerts never tested firing',
    ).toEqual([]);
    expect(
      alerts.filter((alert) => !silent.has(alert)),
      'alerts never tested silent',
    ).toEqual([]);
  });

  it('every alert has a severity and a runbook entry in docs/operations.md', async () => {
    const operations = await readFile(join(root, 'docs/operations.md'), 'utf8');
    // GitHub's heading anchors: lower-cased, spaces to dashes, punctuation dropped.
    const anchors = new Set(
      [...operations.matchAll(/^#+\s+(.+)$/gm)].map(([, heading]) =>
        heading!
          .trim()
          .toLowerCase()
          .replace(/[^\w\s-]/g, '')
          .replace(/\s+/g, '-'),
      ),
    );
    for (const rule of await rules()) {
      if (!rule.alert) continue;
      expect(['page', 'warn'], rule.alert).toContain(rule.labels?.severity);
      const runbook = rule.annotations?.runbook ?? '';
      expect(runbook, rule.alert).toBe(`docs/operations.md#${rule.alert.toLowerCase()}`);
      expect(anchors.has(rule.alert.toLowerCase()), `${rule.alert}: no "### ${rule.alert}" in docs/operations.md`).toBe(
        true,
      );
    }
  });

  it('expects as many healthy replicas as docker-compose.yml deploys', async () => {
    const compose = parse(await readFile(join(root, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { deploy?: { replicas?: number } }>;
    };
    const expected = Object.fromEntries(
      (await rules())
        .filter((rule) => rule.record === 'minitwit:replicas:expected')
        .map((rule) => [rule.labels!.job!, Number(/^vector\((\d+)\)$/.exec(rule.expr)![1])]),
    );
    for (const service of ['web', 'api', 'realtime']) {
      expect(expected[service], service).toBe(compose.services[service]?.deploy?.replicas ?? 1);
    }
    expect(expected).toMatchObject({ postgres: 1, redis: 1 });
  });

  it('discovers every scraped service under both docker-compose and Swarm names', async () => {
    const config = parse(await readFile(join(prometheusDir, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[] }[] }[];
    };
    const discovered = config.scrape_configs.filter((job) => job.dns_sd_configs);
    expect(discovered.map((job) => job.job_name).sort()).toEqual(
      [
        'api',
        'node',
        'patroni',
        'pgbackrest',
        'postgres',
        'postgres-proxy',
        'realtime',
        'redis',
        'redis-proxy',
        'web',
      ].sort(),
    );
    // Under compose `redis` is Redis itself, not its proxy: the proxy's job asks for the Swarm name only.
    const swarmOnly = new Set(['redis-proxy']);
    for (const job of discovered) {
      for (const sd of job.dns_sd_configs!) {
        const [swarm, compose] = sd.names;
        if (swarmOnly.has(job.job_name)) expect(sd.names, job.job_name).toEqual([swarm]);
        else expect(swarm, job.job_name).toBe(`tasks.${compose}`);
        expect(swarm, job.job_name).toMatch(/^tasks\./);
      }
    }
  });
});

describe('the database tier (issue 17)', () => {
  interface Job {
    job_name: string;
    dns_sd_configs?: { names: string[]; port: number }[];
    relabel_configs?: { source_labels?: string[]; regex?: string; target_label?: string; replacement?: string }[];
  }
  const jobs = async () =>
    (parse(await readFile(join(prometheusDir, 'prometheus.yml'), 'utf8')) as { scrape_configs: Job[] }).scrape_configs;

  it('scrapes the Patroni of every PostgreSQL node on :8008 and labels it with its service name', async () => {
    const patroni = (await jobs()).find((job) => job.job_name === 'patroni')!;
    expect(patroni.dns_sd_configs!.map((sd) => sd.port)).toEqual([8008, 8008]);
    const nodes = patroni.dns_sd_configs!.map((sd) => sd.names[1]!);
    expect(nodes).toEqual(['pg-1', 'pg-2']);
    // The relabelling Prometheus applies, run here on both platforms' names.
    const [relabel] = patroni.relabel_configs!;
    expect(relabel).toMatchObject({ source_labels: ['__meta_dns_name'], target_label: 'node' });
    const pattern = new RegExp(`^(?:${relabel!.regex})$`);
    for (const sd of patroni.dns_sd_configs!) {
      for (const name of sd.names) expect(name.replace(pattern, relabel!.replacement ?? '$1'), name).toBe(sd.names[1]);
    }
    // PostgresNodeDown expects exactly the nodes the job asks DNS for.
    const expected = (await rules())
      .filter((rule) => rule.record === 'minitwit:postgres_node:expected')
      .map((rule) => rule.labels?.node);
    expect(expected.sort()).toEqual(nodes);
  });

  it('scrapes the backup host on :9854, the port its exporter serves', async () => {
    const pgbackrest = (await jobs()).find((job) => job.job_name === 'pgbackrest')!;
    expect(pgbackrest.dns_sd_configs).toEqual([
      expect.objectContaining({ names: ['tasks.pgbackrest', 'pgbackrest'], port: 9854 }),
    ]);
  });

  it('alerts on every database-tier failure the runbooks cover', async () => {
    const alerts = (await rules()).flatMap((rule) => (rule.alert ? [rule.alert] : []));
    expect(alerts).toEqual(
      expect.arrayContaining([
        'PostgresNoPrimary',
        'PostgresNoSynchronousStandby',
        'PostgresReplicationLagHigh',
        'PostgresFailover',
        'PostgresNodeDown',
        'BackupTooOld',
        'BackupMissing',
        'BackupExporterDown',
        'WalArchiveFailing',
        'WalArchiveStale',
      ]),
    );
  });
});
