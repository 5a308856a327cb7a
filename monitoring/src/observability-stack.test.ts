import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMPOSE_TEST_SECRETS } from './testing/compose-secrets';

/**
 * The exporters and log pipeline overlay. Loki, Alloy and Grafana cannot run
 * on this machine (no package, no registry), and `docker stack deploy` needs
 * an engine: what runs here is docker-compose's own validation; the rest is
 * checked for the structure those programs require.
 */
const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const COMPOSE = '/usr/bin/docker-compose';
const OVERLAY = 'monitoring/compose.observability.yml';
const SECRETS = COMPOSE_TEST_SECRETS;
const NEW_SERVICES = ['alloy', 'docker-socket-proxy', 'loki', 'node-exporter', 'postgres-exporter', 'redis-exporter'];

if (!existsSync(COMPOSE))
  console.warn('SKIPPED: observability overlay with docker-compose — docker-compose not installed');

interface Service {
  image?: string;
  build?: unknown;
  container_name?: string;
  depends_on?: unknown;
  ports?: unknown[];
  volumes?: string[];
  network_mode?: string;
  read_only?: boolean;
  deploy?: { mode?: string };
}
const read = async (path: string) => readFile(join(root, path), 'utf8');
const overlay = async () => parse(await read(OVERLAY)) as { services: Record<string, Service>; configs?: unknown };

describe.skipIf(!existsSync(COMPOSE))('the observability overlay under docker-compose', () => {
  const compose = (args: string[], env: Record<string, string> = {}) =>
    run(COMPOSE, ['-f', join(root, 'docker-compose.yml'), '-f', join(root, OVERLAY), ...args], {
      env: { PATH: process.env.PATH, ...SECRETS, ...env },
    });

  it('merges with the topology into one valid file', async () => {
    await compose(['config', '-q']);
    const services = (await compose(['config', '--services'])).stdout.trim().split('\n');
    expect(services).toEqual(expect.arrayContaining([...NEW_SERVICES, 'postgres', 'redis', 'prometheus', 'grafana']));
  });

  it('takes every image from a variable, defaulting to the upstream image', async () => {
    const merged = parse((await compose(['config'], { REDIS_EXPORTER_IMAGE: 'local/redis-exporter:test' })).stdout) as {
      services: Record<string, Service>;
    };
    expect(merged.services['redis-exporter']?.image).toBe('local/redis-exporter:test');
    expect(merged.services['postgres-exporter']?.image).toMatch(/^quay\.io\/prometheuscommunity\/postgres-exporter:v/);
    expect(merged.services['node-exporter']?.image).toMatch(/^prom\/node-exporter:v/);
  });
});

describe('the observability overlay for docker stack deploy (structure)', () => {
  it('uses only what Swarm accepts, publishes nothing, and parameterises every image', async () => {
    const { services, configs } = await overlay();
    expect(Object.keys(services).sort()).toEqual(NEW_SERVICES);
    // docker-compose v1 ignores `configs:`; files are bind-mounted like the base file's.
    expect(configs).toBeUndefined();
    for (const [name, service] of Object.entries(services)) {
      expect(service.build, name).toBeUndefined();
      expect(service.container_name, name).toBeUndefined();
      // Swarm refuses the `condition:` form of depends_on.
      if (service.depends_on !== undefined) expect(Array.isArray(service.depends_on), name).toBe(true);
      expect(service.ports, `${name} publishes no port`).toBeUndefined();
      expect(service.image, name).toMatch(/^\$\{[A-Z_]+_IMAGE:-[^}]+\}$/);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(join(root, source)), `${name}: ${source}`).toBe(true);
      }
    }
    // One node exporter and one log shipper per Docker host, each shipper beside its host's socket proxy.
    expect(services['node-exporter']?.deploy?.mode).toBe('global');
    expect(services.alloy?.deploy?.mode).toBe('global');
    expect(services['docker-socket-proxy']?.deploy?.mode).toBe('global');
  });
});

describe('Loki, Alloy and Grafana configuration (structure; neither runs here)', () => {
  it('Loki: one process on its volume, tsdb schema v13, retention that Loki 3 accepts', async () => {
    const loki = parse(await read('monitoring/loki/loki.yml')) as {
      auth_enabled: boolean;
      server: { http_listen_port: number };
      common: { path_prefix: string; storage: { filesystem: Record<string, string> } };
      schema_config: { configs: { store: string; schema: string; object_store: string }[] };
      limits_config: { retention_period: string };
      compactor: { retention_enabled: boolean; delete_request_store?: string; working_directory: string };
    };
    expect(loki.auth_enabled).toBe(false);
    expect(loki.server.http_listen_port).toBe(3100);
    expect(loki.schema_config.configs.at(-1)).toMatchObject({
      store: 'tsdb',
      schema: 'v13',
      object_store: 'filesystem',
    });
    // Loki 3 refuses retention without a delete-request store.
    expect(loki.compactor).toMatchObject({ retention_enabled: true, delete_request_store: 'filesystem' });
    const { services } = await overlay();
    expect(services.loki?.volumes).toContain('loki-data:/loki');
    for (const path of [...Object.values(loki.common.storage.filesystem), loki.compactor.working_directory]) {
      expect(path.startsWith(`${loki.common.path_prefix}/`), path).toBe(true);
    }
  });

  it('Alloy: every referenced component is declared, and it labels lines as the dashboards query them', async () => {
    const alloy = await read('monitoring/alloy/config.alloy');
    const code = alloy.replace(/^\s*\/\/.*$/gm, '');
    expect(code.split('{').length, 'balanced braces').toBe(code.split('}').length);
    const declared = new Set(
      [...code.matchAll(/^([a-z_.]+)\s+"([\w-]+)"\s*\{/gm)].map(([, kind, label]) => `${kind}.${label}`),
    );
    expect([...declared].sort()).toEqual([
      'discovery.docker.containers',
      'discovery.relabel.containers',
      'loki.process.json_lines',
      'loki.source.docker.containers',
      'loki.write.loki',
    ]);
    const references = [...code.matchAll(/=\s*\[?\s*([a-z_]+(?:\.[a-z_]+)+)\.(receiver|output|targets)\b/g)].map(
      ([, component]) => component!,
    );
    expect(references.length).toBeGreaterThanOrEqual(4);
    for (const component of references) expect(declared.has(component), component).toBe(true);
    expect(code).toMatch(/target_label\s*=\s*"service"/);
    expect(code).toMatch(/values\s*=\s*\{\s*level\s*=\s*""\s*\}/);
    expect(code).toContain('http://loki:3100/loki/api/v1/push');
    // Through the socket proxy's allow-list only (monitoring/docker-socket-proxy/nginx.conf): the
    // engine's own socket is root on the host, and only the proxy mounts it.
    expect([...code.matchAll(/host\s*=\s*"([^"]+)"/g)].map(([, host]) => host)).toEqual([
      'unix:///run/docker-proxy/docker.sock',
      'unix:///run/docker-proxy/docker.sock',
    ]);
    const { services } = await overlay();
    expect(services.alloy?.volumes).toContain('docker-proxy-socket:/run/docker-proxy:ro');
    const proxy = services['docker-socket-proxy']!;
    expect(proxy.volumes).toContain('docker-proxy-socket:/run/docker-proxy');
    expect(proxy.network_mode).toBe('none');
    expect(proxy.read_only).toBe(true);
    for (const [name, service] of Object.entries(services))
      if (name !== 'docker-socket-proxy')
        expect(JSON.stringify(service.volumes ?? []), name).not.toMatch(/docker\.sock:\/var\/run\/docker\.sock/);
  });

  it('Grafana: datasources point at services that exist, with the uids the dashboards use', async () => {
    const sources: { uid: string; url: string }[] = [];
    for (const file of ['prometheus.yml', 'loki.yml']) {
      const config = parse(await read(`monitoring/grafana/provisioning/datasources/${file}`)) as {
        apiVersion: number;
        datasources: { uid: string; url: string }[];
      };
      expect(config.apiVersion).toBe(1);
      sources.push(...config.datasources);
    }
    expect(sources.map((source) => [source.uid, new URL(source.url).host])).toEqual([
      ['prometheus', 'prometheus:9090'],
      ['loki', 'loki:3100'],
    ]);
    const base = parse(await read('docker-compose.yml')) as { services: Record<string, unknown> };
    expect(Object.keys(base.services)).toEqual(expect.arrayContaining(['prometheus', 'grafana']));
    expect(Object.keys((await overlay()).services)).toContain('loki');
  });
});
