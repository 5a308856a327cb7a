import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_TEST_SECRETS } from '@minitwit/monitoring/testing';
import { upstreams } from './testing/nginx-upstreams';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const COMPOSE = '/usr/bin/docker-compose';
const NGINX = '/usr/sbin/nginx';
const SECRETS = COMPOSE_TEST_SECRETS;
/** The database tier's services, the same in both files (Prometheus scrapes pg-1, pg-2, pgbackrest by name). */
const PG_NODES = ['pg-1', 'pg-2'];

if (!existsSync(COMPOSE)) console.warn('SKIPPED: compose file checks — docker-compose not installed');
if (!existsSync(NGINX)) console.warn('SKIPPED: proxy config check — nginx not installed');

const compose = (args: string[], env: Record<string, string>) =>
  run(COMPOSE, ['-f', join(root, 'docker-compose.yml'), ...args], { env: { PATH: process.env.PATH, ...env } });

describe.skipIf(!existsSync(COMPOSE))('docker-compose.yml', () => {
  it('is valid and runs the whole distributed topology', async () => {
    await compose(['config', '-q'], SECRETS);
    const { stdout } = await compose(['config', '--services'], SECRETS);
    expect(stdout.trim().split('\n').sort()).toEqual(
      [
        'api',
        'etcd',
        'grafana',
        'migrate',
        'pg-1',
        'pg-2',
        'pgbackrest',
        'postgres',
        'prometheus',
        'proxy',
        'realtime',
        'redis',
        'web',
      ].sort(),
    );
    const config = (await compose(['config'], SECRETS)).stdout;
    // Several replicas of each front door and of the live-timeline servers.
    expect(config).toMatch(/realtime:[\s\S]*?replicas: 3/);
    expect(config).toMatch(/api:[\s\S]*?replicas: 2/);
  });

  it('refuses to start without its secrets rather than using defaults', async () => {
    await expect(compose(['config', '-q'], {})).rejects.toThrow(/set MINITWIT_SECRETS_DIR|set PGBACKREST_TLS_DIR/);
    const { MINITWIT_SECRETS_DIR: __, ...withoutSecrets } = SECRETS;
    await expect(compose(['config', '-q'], withoutSecrets)).rejects.toThrow(/set MINITWIT_SECRETS_DIR/);
    const { PGBACKREST_TLS_DIR: _, ...withoutTls } = SECRETS;
    await expect(compose(['config', '-q'], withoutTls)).rejects.toThrow(/set PGBACKREST_TLS_DIR/);
  });

  it('gives web, api and realtime healthchecks on their internal ports, and keeps Prometheus and Grafana on loopback', async () => {
    const config = (await compose(['config'], SECRETS)).stdout;
    for (const port of ['9310', '9311', '9312'])
      expect(config).toContain(`- /app/infra/docker/healthcheck.sh\n      - '${port}'`);
    expect(config).toMatch(/published: 9090\s+target: 9090|127\.0\.0\.1:9090:9090/);
    expect(config).not.toMatch(/- 0\.0\.0\.0:(9090|3001)/);
  });
});

describe.skipIf(!existsSync(COMPOSE))('docker-stack.yml', () => {
  it('is a valid compose file whose only published ports are the proxy’s, in host mode', async () => {
    const { stdout } = await run(COMPOSE, ['-f', join(root, 'docker-stack.yml'), 'config'], {
      env: { PATH: process.env.PATH, PUBLIC_ORIGIN: 'http://127.0.0.1:8080' },
    });
    const published = [...stdout.matchAll(/^ {2}(\w+):[\s\S]*?(?=^ {2}\w+:|^\S)/gm)]
      .filter(([block]) => /\n {4}ports:/.test(block))
      .map(([, name]) => name);
    expect(published).toEqual(['proxy']);
    expect(stdout).toMatch(/mode: host/);
    expect(stdout).not.toMatch(/depends_on/);
  });

  // `docker stack deploy` refuses the whole stack when one config file is missing, and a
  // rules file mounted where prometheus.yml does not look is silently ignored (no alerts).
  it('names only files that exist, and gives Prometheus every rules file where its config reads them', async () => {
    const stack = parse(await readFile(join(root, 'docker-stack.yml'), 'utf8')) as {
      services: Record<string, { command?: string[]; configs?: { source: string; target: string }[] }>;
      configs: Record<string, { file: string }>;
    };
    for (const [name, { file }] of Object.entries(stack.configs))
      expect(existsSync(join(root, file)), `config ${name}: ${file}`).toBe(true);
    const rulesDir = join(root, 'monitoring/prometheus/rules');
    const mounted = (stack.services.prometheus?.configs ?? []).map(({ source, target }) => ({
      file: stack.configs[source]?.file,
      target,
    }));
    for (const file of (await readdir(rulesDir)).filter((f) => f.endsWith('.yml')))
      expect(mounted).toContainEqual({
        file: `./monitoring/prometheus/rules/${file}`,
        target: `/etc/prometheus/rules/${file}`,
      });
    expect(await readFile(join(root, 'monitoring/prometheus/prometheus.yml'), 'utf8')).toContain(
      '/etc/prometheus/rules/*.yml',
    );
  });

  it('runs web, api and realtime with the same commands as docker-compose.yml', async () => {
    const [stack, composed] = await Promise.all(
      ['docker-stack.yml', 'docker-compose.yml'].map(
        async (file) =>
          parse(await readFile(join(root, file), 'utf8')) as { services: Record<string, { command?: string[] }> },
      ),
    );
    for (const service of ['web', 'api', 'realtime'])
      expect(stack?.services[service]?.command, service).toEqual(composed?.services[service]?.command);
  });
});

interface Service {
  command?: string[];
  entrypoint?: string[];
  user?: string;
  read_only?: boolean;
  tmpfs?: string[];
  environment?: Record<string, string>;
  secrets?: ({ source: string } | string)[];
  volumes?: (string | { source: string; target: string })[];
  configs?: { source: string; target: string }[];
  healthcheck?: { test: string[] };
  deploy?: { endpoint_mode?: string; placement?: { constraints?: string[]; max_replicas_per_node?: number } };
}
interface Rendered {
  services: Record<string, Service>;
  networks?: Record<string, { driver?: string; driver_opts?: Record<string, string> }>;
  secrets?: Record<string, { file?: string; external?: boolean; name?: string }>;
}
/** A file as compose resolves it (anchors merged, variables set). */
async function resolved(file: string, env: Record<string, string>): Promise<Record<string, Service>> {
  const { stdout } = await run(COMPOSE, ['-f', join(root, file), 'config'], {
    env: { PATH: process.env.PATH, ...env },
  });
  return (parse(stdout) as { services: Record<string, Service> }).services;
}
const STACK_ENV = { PUBLIC_ORIGIN: 'http://127.0.0.1:8080' };

describe.skipIf(!existsSync(COMPOSE))('docker-stack.yml over several hosts', () => {
  it('runs at most MAX_REPLICAS_PER_NODE of each replicated front service on one host, no limit by default', async () => {
    const spread = ['web', 'api', 'realtime', 'postgres', 'redis'];
    const limits = async (env: Record<string, string>) => {
      const services = await resolved('docker-stack.yml', env);
      return spread.map((name) => services[name]?.deploy?.placement?.max_replicas_per_node);
    };
    // A one-node swarm: every task and its start-first replacement share the node.
    expect(await limits(STACK_ENV)).toEqual(spread.map(() => 0));
    // Several hosts: losing one loses one replica of each.
    expect(await limits({ ...STACK_ENV, MAX_REPLICAS_PER_NODE: '1' })).toEqual(spread.map(() => 1));
  });
});

describe.skipIf(!existsSync(COMPOSE))('the replicated database tier in docker-compose.yml and docker-stack.yml', () => {
  it('runs each PostgreSQL node under its own service name, reachable by it, with its own volume', async () => {
    for (const [file, env] of [
      ['docker-compose.yml', SECRETS],
      ['docker-stack.yml', STACK_ENV],
    ] as const) {
      const services = await resolved(file, env);
      for (const name of PG_NODES) {
        const node = services[name]!.environment!;
        expect(node.PATRONI_NAME, `${file} ${name}`).toBe(name);
        expect(node.PATRONI_RESTAPI_CONNECT_ADDRESS).toBe(`${name}:8008`);
        expect(node.PATRONI_POSTGRESQL_CONNECT_ADDRESS).toBe(`${name}:5432`);
        // pgBackRest on the node finds the data where Patroni keeps it.
        expect(node.PGBACKREST_PG1_PATH).toBe(node.PATRONI_POSTGRESQL_DATA_DIR);
        expect(node.PGBACKREST_REPO1_HOST).toBe('pgbackrest');
        expect(JSON.stringify(services[name]!.volumes)).toContain(`${name}-data`);
        expect(services[name]!.healthcheck?.test).toEqual(['CMD', 'http-ok', '8008', '/health']);
      }
      // The backup host names both nodes, with the data directory each node has.
      const backup = services.pgbackrest!.environment!;
      PG_NODES.forEach((name, i) => {
        expect(backup[`PGBACKREST_PG${i + 1}_HOST`]).toBe(name);
        expect(backup[`PGBACKREST_PG${i + 1}_PATH`]).toBe(services[name]!.environment!.PATRONI_POSTGRESQL_DATA_DIR);
      });
      expect(services.pgbackrest!.command).toEqual(['backup']);
      // HAProxy is `postgres`, with the tested config and both nodes.
      const haproxy = services.postgres!;
      expect(haproxy.environment).toMatchObject({
        PGHA_LISTEN: '0.0.0.0:5432',
        PGHA_NODE_1: 'pg-1',
        PGHA_NODE_2: 'pg-2',
        PGHA_STATS_LISTEN: '0.0.0.0:8404',
      });
      expect(haproxy.command).toEqual(['haproxy', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg']);
    }
  });

  it('gives every node the same Patroni and pgBackRest settings but its name (passwords as secret files)', async () => {
    const [composed, stack] = await Promise.all([
      resolved('docker-compose.yml', SECRETS),
      resolved('docker-stack.yml', STACK_ENV),
    ]);
    const shared = (env: Record<string, string>) =>
      Object.keys(env)
        .filter((key) => !/^PATRONI_(NAME|RESTAPI_CONNECT_ADDRESS|POSTGRESQL_CONNECT_ADDRESS)$/.test(key))
        .map((key) => key.replace(/_FILE$/, ''))
        .sort();
    const names = shared(composed['pg-1']!.environment!);
    for (const services of [composed, stack])
      for (const name of PG_NODES) expect(shared(services[name]!.environment!), name).toEqual(names);
    // Each Swarm *_FILE names a secret the node has, and the image turns it into the variable (entrypoint, patronictl).
    const entrypoint = await readFile(join(root, 'infra/docker/base/postgres-ha-secrets.sh'), 'utf8');
    for (const name of PG_NODES) {
      const node = stack[name]!;
      const mounted = (node.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
      for (const [key, value] of Object.entries(node.environment!).filter(
        ([key]) => key.endsWith('_FILE') && !key.startsWith('PGBACKREST_'),
      )) {
        expect(entrypoint, key).toContain(key.replace(/_FILE$/, ''));
        expect(mounted).toContain(value.replace('/run/secrets/', ''));
      }
    }
  });

  it('connects the services as minitwit_app (waiting for migrations) and migrates once as minitwit_owner', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const [file, env] of [
      ['docker-compose.yml', SECRETS],
      ['docker-stack.yml', STACK_ENV],
    ] as const) {
      const services = await resolved(file, env);
      for (const name of ['web', 'api', 'realtime']) {
        expect(services[name]!.environment!.DATABASE_URL, `${file} ${name}`).toMatch(
          /^postgres:\/\/minitwit_app[:@].*@?postgres:5432\/minitwit$/,
        );
        expect(services[name]!.environment!.DATABASE_MIGRATIONS).toBe('wait');
      }
      expect(services.migrate!.environment!.DATABASE_URL).toMatch(/^postgres:\/\/minitwit_owner[:@]/);
      expect(services.migrate!.command?.join(' ')).toBe(pkg.scripts.migrate);
    }
  });

  it('places the two nodes (and the two Redis servers) by node labels in the stack, every service behind DNS round-robin', async () => {
    const stack = await resolved('docker-stack.yml', STACK_ENV);
    const placement = PG_NODES.map((name) => stack[name]!.deploy?.placement?.constraints);
    expect(placement).toEqual([['node.labels.minitwit.pg-1 == true'], ['node.labels.minitwit.pg-2 == true']]);
    for (const [name, service] of Object.entries(stack)) expect(service.deploy?.endpoint_mode, name).toBe('dnsrr');
    expect(stack.postgres!.configs).toContainEqual({
      source: 'haproxy_cfg',
      target: '/usr/local/etc/haproxy/haproxy.cfg',
    });
    const raw = parse(await readFile(join(root, 'docker-stack.yml'), 'utf8')) as {
      configs: Record<string, { file: string }>;
    };
    expect(raw.configs.haproxy_cfg?.file).toBe('./infra/postgres-ha/haproxy.cfg');
    // Redis likewise: redis-a and redis-b by their labels, HAProxy in front as `redis`.
    expect(['redis-a', 'redis-b'].map((name) => stack[name]!.deploy?.placement?.constraints)).toEqual([
      ['node.labels.minitwit.redis-a == true'],
      ['node.labels.minitwit.redis-b == true'],
    ]);
    expect(stack.redis!.configs).toContainEqual({
      source: 'redis_haproxy_cfg',
      target: '/usr/local/etc/haproxy/haproxy.cfg',
    });
    expect(raw.configs.redis_haproxy_cfg?.file).toBe('./infra/redis-ha/haproxy.cfg');
  });
});

const OVERLAY = 'monitoring/compose.observability.yml';
/** Files as compose resolves them together (anchors merged, variables set), networks and secrets too. */
async function rendered(files: readonly string[], env: Record<string, string>): Promise<Rendered> {
  const { stdout } = await run(COMPOSE, [...files.flatMap((file) => ['-f', join(root, file)]), 'config'], {
    env: { PATH: process.env.PATH, ...env },
  });
  return parse(stdout) as Rendered;
}
/** The secrets a service mounts, by name. */
const mountedSecrets = (service: Service) => (service.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';

describe.skipIf(!existsSync(COMPOSE))('the deployment’s defences in docker-compose.yml and docker-stack.yml', () => {
  const both = [
    ['docker-compose.yml + observability overlay', ['docker-compose.yml', OVERLAY], SECRETS],
    ['docker-stack.yml', ['docker-stack.yml'], STACK_ENV],
  ] as const;

  // Whoever can publish on the adapter's channel can show any message, or end any session,
  // on every open page: Redis takes no client without the password (issue 19).
  it('runs Redis only with a password from a secret, and gives every client that password as a file', async () => {
    const entrypoint = await readFile(join(root, 'infra/docker/entrypoint.sh'), 'utf8');
    expect(entrypoint).toMatch(/REDIS_PASSWORD_FILE/);
    for (const [label, files, env] of both) {
      const { services, secrets } = await rendered(files, env);
      expect(secrets?.redis_password, label).toBeDefined();
      // The stack runs two Redis servers behind HAProxy as `redis` (infra/redis-ha/haproxy.cfg).
      const servers = label === 'docker-stack.yml' ? ['redis-a', 'redis-b'] : ['redis'];
      for (const name of servers) {
        const redis = services[name]!;
        const script = [...(redis.entrypoint ?? []), ...(redis.command ?? [])].join(' ');
        expect(mountedSecrets(redis), `${label} ${name}`).toContain('redis_password');
        // On its standard input: a password on the command line shows in `ps` and `docker inspect`.
        expect(script, `${label} ${name}`).toMatch(
          /redis-server - [^\n]*<<EOF\s+requirepass \$\$?\(cat \/run\/secrets\/redis_password\)/,
        );
        expect(script, `${label} ${name}`).not.toMatch(/protected-mode/);
        expect(redis.user, `${label} ${name}`).toBe('redis');
        expect(redis.healthcheck?.test.join(' '), `${label} ${name}`).toMatch(
          /REDISCLI_AUTH="\$\$?\(cat \/run\/secrets\/redis_password\)" redis-cli ping \| grep -q PONG/,
        );
      }
      if (label === 'docker-stack.yml') {
        // The proxy's checks send the password: read from the secret as it starts, never in its environment.
        const proxy = services.redis!;
        expect(mountedSecrets(proxy)).toContain('redis_password');
        expect([...(proxy.entrypoint ?? []), ...(proxy.command ?? [])].join(' ')).toMatch(
          /REDIS_PASSWORD=\$\$?\(cat \/run\/secrets\/redis_password\) exec haproxy/,
        );
        expect(Object.keys(proxy.environment ?? {})).not.toContain('REDIS_PASSWORD');
      }
      for (const name of ['web', 'api', 'realtime']) {
        const service = services[name]!;
        expect(service.environment?.REDIS_URL, `${label} ${name}`).toBe('redis://redis:6379');
        expect(service.environment?.REDIS_PASSWORD_FILE, `${label} ${name}`).toBe('/run/secrets/redis_password');
        expect(mountedSecrets(service), `${label} ${name}`).toContain('redis_password');
      }
      const exporter = services['redis-exporter'];
      if (exporter) {
        expect(exporter.environment?.REDIS_PASSWORD_FILE).toBe('/run/secrets/redis_exporter_passwords');
        expect(mountedSecrets(exporter)).toContain('redis_exporter_passwords');
      }
    }
  });

  it.skipIf(!existsSync(REDIS_SERVER) || !existsSync(REDIS_CLI))(
    'the compose file’s Redis command, run, refuses a client without the password',
    async () => {
      const { services } = await rendered(['docker-compose.yml'], SECRETS);
      const dir = await mkdtemp(join(tmpdir(), 'minitwit-redis-'));
      const port = String(20000 + Math.floor(Math.random() * 20000));
      await writeFile(join(dir, 'redis_password'), 'testonly-redis\n');
      // The service's own script, with this test's secret file and port.
      const script = services
        .redis!.command!.join(' ')
        .replaceAll('$$', '$')
        .replaceAll('/run/secrets/redis_password', join(dir, 'redis_password'))
        .replace('redis-server -', `redis-server - --port ${port} --bind 127.0.0.1 --dir ${dir}`);
      const server = spawn('sh', ['-c', script], { stdio: 'ignore' });
      const cli = (args: string[], auth?: string) =>
        run(REDIS_CLI, ['-p', port, ...args], {
          env: { PATH: process.env.PATH, ...(auth ? { REDISCLI_AUTH: auth } : {}) },
        }).then(({ stdout }) => stdout.trim());
      try {
        for (let i = 0; i < 50 && !(await cli(['ping'], 'testonly-redis').catch(() => '')).includes('PONG'); i++)
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await cli(['ping'], 'testonly-redis')).toBe('PONG');
        expect(await cli(['ping'])).toMatch(/NOAUTH/);
        expect(await cli(['publish', 'socket.io#/#', 'forged'])).toMatch(/NOAUTH/);
        // A wrong password: AUTH fails (on stderr), and the command is refused.
        expect(await cli(['ping'], 'wrong')).toMatch(/NOAUTH/);
      } finally {
        server.kill('SIGTERM');
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  // `docker inspect` (and anyone who may run it) shows a container's environment: secrets are
  // files under /run/secrets, and a variable only names the file.
  it('puts no secret in an environment value: passwords and credentials come as *_FILE, each a mounted secret', async () => {
    for (const [label, files, env] of both) {
      const { services } = await rendered(files, env);
      for (const [name, service] of Object.entries(services))
        for (const [key, value] of Object.entries(service.environment ?? {})) {
          const where = `${label}: ${name} ${key}`;
          if (!/_FILE$/.test(key)) expect(key, where).not.toMatch(/PASSWORD|PASS$|CREDENTIALS|SECRET|TOKEN/);
          // No connection URL with a password in it (postgres://user:password@…).
          expect(String(value), where).not.toMatch(/:\/\/[^/@\s]*:[^/@\s]+@/);
          if (String(value).startsWith('/run/secrets/'))
            expect(mountedSecrets(service), where).toContain(String(value).replace('/run/secrets/', ''));
        }
    }
    // Nor does a secret get interpolated anywhere else in the files (the directory of the files may).
    for (const file of ['docker-compose.yml', 'docker-stack.yml', OVERLAY])
      expect(await readFile(join(root, file), 'utf8'), file).not.toMatch(
        /\$\{(?!MINITWIT_SECRETS_DIR\b)\w*(PASSWORD|CREDENTIALS|SECRET)\w*/,
      );
  });

  it('runs web, api, realtime and migrate on a read-only root filesystem, from code root owns', async () => {
    for (const [label, files, env] of both) {
      const { services } = await rendered(files, env);
      for (const name of ['web', 'api', 'realtime', 'migrate']) {
        const service = services[name]!;
        expect(service.read_only, `${label} ${name}`).toBe(true);
        // /tmp stays writable (in memory) for whatever a library puts there.
        expect([...(service.tmpfs ?? []), ...(service.volumes ?? []).map((v) => JSON.stringify(v))].join(' ')).toMatch(
          /\/tmp\b/,
        );
      }
    }
    const dockerfile = (await readFile(join(root, 'infra/docker/Dockerfile'), 'utf8')).replace(/^#.*$/gm, '');
    const final = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(final).toMatch(/^COPY --from=build \/app \/app$/m);
    expect(final).not.toMatch(/--chown/);
    // Only the embedded database's directory is the node user's.
    expect([...final.matchAll(/chown\s+\S+\s+(\S+)/g)].map(([, path]) => path)).toEqual(['/app/.data']);
    expect(final).toMatch(/^USER node$/m);
  });

  it('encrypts every overlay network of the stack (its nodes are separate hosts)', async () => {
    const raw = parse(await readFile(join(root, 'docker-stack.yml'), 'utf8')) as Rendered;
    const overlays = Object.entries(raw.networks ?? {}).filter(([, network]) => network.driver === 'overlay');
    expect(overlays.length).toBeGreaterThan(0);
    for (const [name, network] of overlays) expect(network.driver_opts?.encrypted, name).toBe('true');
    // Every service is on one of them (none on an unencrypted default network).
    const stack = await rendered(['docker-stack.yml'], STACK_ENV);
    for (const [name, service] of Object.entries(stack.services))
      expect((service as { networks?: unknown }).networks, name).toBeDefined();
  });
});

/** nginx's version as [major, minor, patch]. */
async function nginxVersion(): Promise<number[]> {
  const { stderr } = await run(NGINX, ['-v']);
  return (/nginx\/(\d+)\.(\d+)\.(\d+)/.exec(stderr) ?? []).slice(1).map(Number);
}

describe('the proxy config', () => {
  it('keeps re-resolving the replicas: every proxy_pass names an upstream whose servers all `resolve`, in a zone', async () => {
    const config = (await readFile(join(root, 'infra/nginx/nginx.conf'), 'utf8')).replace(/#.*$/gm, '');
    expect(config).toMatch(/resolver 127\.0\.0\.11 valid=1s/);
    const passes = [...config.matchAll(/proxy_pass ([^;]+);/g)].map(([, target]) => target);
    expect([...new Set(passes)].sort()).toEqual([
      'http://api_replicas',
      'http://realtime_again_replicas',
      'http://realtime_replicas',
      'http://web_replicas',
    ]);
    const hosts = { 'backends.conf': '', 'backends.swarm.conf': 'tasks.' };
    for (const [file, prefix] of Object.entries(hosts)) {
      const found = upstreams(await readFile(join(root, 'infra/nginx', file), 'utf8'));
      expect(found.map((u) => u.name).sort(), file).toEqual([
        'api_replicas',
        'realtime_again_replicas',
        'realtime_replicas',
        'web_replicas',
      ]);
      for (const { name, zone, servers, directives } of found) {
        // A zone shares the replica list, the balancer's state and failures across workers.
        expect(zone, `${file} ${name}`).toBe(true);
        // Requests go to the least busy web and api replica; sockets in turn (docs/decisions.md, "least_conn").
        expect(directives.includes('least_conn;'), `${file} ${name}`).toBe(
          name === 'web_replicas' || name === 'api_replicas',
        );
        const service = name.replace(/(_again)?_replicas$/, '');
        // Sockets last minutes: no passive failure accounting for first tries (backends.conf says
        // why); second tries count failures, so they skip a replica that just hung.
        const accounting = {
          // A replica that failed a connect is skipped for 2 s, not nginx's default 10 s (backends.conf).
          web_replicas: ' max_fails=1 fail_timeout=2s',
          api_replicas: ' max_fails=1 fail_timeout=2s',
          realtime_replicas: ' max_fails=0',
          realtime_again_replicas: ' max_fails=1 fail_timeout=10s',
        };
        expect(servers, `${file} ${name}`).toEqual([
          expect.stringMatching(
            new RegExp(`^${prefix}${service}:\\d+ resolve${accounting[name as keyof typeof accounting] ?? ''}$`),
          ),
        ]);
      }
    }
  });

  it.skipIf(!existsSync(NGINX))('passes nginx -t', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'minitwit-nginx-'));
    try {
      // `server … resolve` needs nginx >= 1.27.3 (the image's); an older nginx here (Debian
      // bookworm's 1.22) checks the rest with the servers as plain addresses, and the
      // topology tests (infra/topology/run.sh) run the real backends files in the real image.
      const [major = 0, minor = 0, patch = 0] = await nginxVersion();
      const resolves = major > 1 || minor > 27 || (minor === 27 && patch >= 3);
      let backends = await readFile(join(root, 'infra/nginx/backends.conf'), 'utf8');
      if (!resolves) backends = backends.replace(/server \w+:(\d+) resolve( [^;]*)?;/g, 'server 127.0.0.1:$1$2;');
      await writeFile(join(dir, 'backends.conf'), backends);
      // The test runner has no terminal for /dev/stdout: log to a file in the prefix instead.
      const config = (await readFile(join(root, 'infra/nginx/nginx.conf'), 'utf8'))
        .replace('/etc/nginx/minitwit-backends.conf', join(dir, 'backends.conf'))
        .replace('access_log /dev/stdout json;', 'access_log access.log json;')
        .replace('error_log stderr warn;', '');
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
