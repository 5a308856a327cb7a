import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiEnvSchema } from '@minitwit/api';
import { parseRealtimeConfig } from '@minitwit/realtime';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseWebConfig } from '../../web/src/lib/server/config-schema';
import { launcherEnvSchema } from './config';

const root = new URL('../..', import.meta.url).pathname;
const read = (path: string) => readFile(join(root, path), 'utf8');

/** Each service's operator port as its own config defaults it. */
const internal = {
  web: parseWebConfig({}).WEB_INTERNAL_PORT,
  api: apiEnvSchema.parse({}).API_INTERNAL_PORT,
  realtime: parseRealtimeConfig({}).REALTIME_INTERNAL_PORT,
};
const envName = { web: 'WEB', api: 'API', realtime: 'REALTIME' } as const;

interface ComposeService {
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  ports?: unknown[];
}

/**
 * Issue 19: `/healthz` and `/metrics` live on each service's internal port.
 * Everything that reaches them must use that port, and nothing public may.
 */
describe('the operator ports', () => {
  it('have defaults of their own, apart from each other and from every public port of `npm start`', () => {
    const publicPorts = [
      launcherEnvSchema.parse({}).WEB_PORT,
      apiEnvSchema.parse({}).API_PORT,
      parseRealtimeConfig({}).REALTIME_PORT,
    ];
    const all = [...Object.values(internal), ...publicPorts];
    expect(new Set(all).size).toBe(all.length);
  });

  it('are what Prometheus scrapes', async () => {
    const config = parse(await read('monitoring/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; dns_sd_configs?: { port: number }[] }[];
    };
    for (const [job, port] of Object.entries(internal)) {
      const scrape = config.scrape_configs.find((candidate) => candidate.job_name === job);
      expect(
        scrape?.dns_sd_configs?.map((sd) => sd.port),
        job,
      ).toEqual([port]);
    }
  });

  it.each(['docker-compose.yml', 'docker-stack.yml'])(
    'are what %s checks health on, bound for the network, never published',
    async (file) => {
      const services = (parse(await read(file)) as { services: Record<string, ComposeService> }).services;
      for (const [name, port] of Object.entries(internal) as [keyof typeof internal, number][]) {
        const service = services[name]!;
        expect(service.healthcheck?.test, name).toEqual(['CMD', '/app/infra/docker/healthcheck.sh', String(port)]);
        expect(service.environment?.[`${envName[name]}_INTERNAL_PORT`], name).toBe(String(port));
        expect(service.environment?.[`${envName[name]}_INTERNAL_HOST`], name).toBe('0.0.0.0');
        expect(service.ports, name).toBeUndefined();
      }
    },
  );

  it('are named by no upstream of the proxy', async () => {
    for (const file of ['infra/nginx/backends.conf', 'infra/nginx/backends.swarm.conf', 'infra/nginx/nginx.conf']) {
      const text = await read(file);
      for (const port of Object.values(internal)) expect(text, file).not.toMatch(new RegExp(`:${port}\\b`));
    }
  });
});
