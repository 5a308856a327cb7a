import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const COMPOSE = '/usr/bin/docker-compose';
const NGINX = '/usr/sbin/nginx';
const SECRETS = {
  POSTGRES_PASSWORD: 'test-only',
  SIMULATOR_CREDENTIALS: 'sim:test-only',
  GRAFANA_ADMIN_PASSWORD: 'test-only',
};

if (!existsSync(COMPOSE)) console.warn('SKIPPED: compose file checks — docker-compose not installed');
if (!existsSync(NGINX)) console.warn('SKIPPED: proxy config check — nginx not installed');

const compose = (args: string[], env: Record<string, string>) =>
  run(COMPOSE, ['-f', join(root, 'docker-compose.yml'), ...args], { env: { PATH: process.env.PATH, ...env } });

describe.skipIf(!existsSync(COMPOSE))('docker-compose.yml', () => {
  it('is valid and runs the whole distributed topology', async () => {
    await compose(['config', '-q'], SECRETS);
    const { stdout } = await compose(['config', '--services'], SECRETS);
    expect(stdout.trim().split('\n').sort()).toEqual(
      ['api', 'grafana', 'postgres', 'prometheus', 'proxy', 'realtime', 'redis', 'web'].sort(),
    );
    const config = (await compose(['config'], SECRETS)).stdout;
    // Several replicas of each front door and of the live-timeline servers.
    expect(config).toMatch(/realtime:[\s\S]*?replicas: 3/);
    expect(config).toMatch(/api:[\s\S]*?replicas: 2/);
  });

  it('refuses to start without its secrets rather than using defaults', async () => {
    await expect(compose(['config', '-q'], {})).rejects.toThrow(/set POSTGRES_PASSWORD/);
  });
});

describe.skipIf(!existsSync(NGINX))('the proxy config', () => {
  it('passes nginx -t (with the replica names pointed at this machine)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'minitwit-nginx-'));
    try {
      // The test runner has no terminal for /dev/stdout: log to a file in the prefix instead.
      const config = (await readFile(join(root, 'infra/nginx/nginx.conf'), 'utf8'))
        .replace(/server (web|api|realtime):/g, 'server 127.0.0.1:')
        .replace('access_log /dev/stdout json;', 'access_log access.log json;');
      await writeFile(join(dir, 'nginx.conf'), config);
      const { stderr } = await run(NGINX, [
        '-t',
        '-p',
        dir,
        '-c',
        join(dir, 'nginx.conf'),
        '-g',
        'pid nginx.pid; error_log error.log;',
      ]);
      expect(stderr).toMatch(/test is successful/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
