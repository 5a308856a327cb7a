import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, postgresUrl } from '@minitwit/db/testing';
import { freePort } from '@minitwit/monitoring/testing';

/**
 * Test support: the built web app (`npm start -w web`, adapter-node) as its
 * own process, for tests that need several replicas or the production build
 * (static files, error pages). `npm run build` makes it; `.ci/run` builds
 * before the tests.
 */
const webDir = new URL('../..', import.meta.url).pathname;
const built = join(webDir, 'build', 'index.js');
/** `npm start -w web`: the compiled server (src/serve.ts) with the security headers on every response. */
const entry = join(webDir, 'dist', 'serve.js');

/** The newest change to the app's sources (tests and test support are not part of the build). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'testing' || entry.name.endsWith('.test.ts')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Why the built app cannot be tested here (printed as a loud SKIPPED line), or undefined when it can. */
export function builtWebMissing(): string | undefined {
  if (!existsSync(built) || !existsSync(entry)) return 'web/build or web/dist is missing — run `npm run build`';
  if (newestMtime(join(webDir, 'src')) > statSync(built).mtimeMs) {
    return 'web/build is older than web/src — run `npm run build`';
  }
  return undefined;
}

export interface WebProcess {
  url: string;
  /** The operator port's URL: `/healthz` and `/metrics`. */
  internalUrl: string;
  child: ChildProcess;
  output: string[];
  stop(): Promise<void>;
}

/** Starts the built app on a free port of 127.0.0.1 with the given environment and waits until it listens. */
export async function startWebProcess(env: Record<string, string>): Promise<WebProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const internalPort = await freePort();
  const child = spawn(process.execPath, ['--conditions=compiled', '--enable-source-maps', entry], {
    cwd: webDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      ORIGIN: url,
      WEB_INTERNAL_HOST: '127.0.0.1',
      WEB_INTERNAL_PORT: String(internalPort),
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes('Listening on')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`web exited with ${code}: ${output.join('')}`)));
  });
  return {
    url,
    internalUrl: `http://127.0.0.1:${internalPort}`,
    child,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 8_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * The built app on a database of its own and no Redis: a fresh database on DATABASE_URL's server,
 * or else the embedded one in a new directory (`dirPrefix`). `dispose()` stops it and removes both.
 */
export async function startWebOnOwnDatabase(dirPrefix: string): Promise<WebProcess & { dispose(): Promise<void> }> {
  const database = postgresUrl ? await createTestDatabase('postgres') : undefined;
  const dataDir = database ? undefined : await mkdtemp(join(tmpdir(), dirPrefix));
  const web = await startWebProcess({ DATABASE_URL: database?.url ?? '', DATA_DIR: dataDir ?? '', REDIS_URL: '' });
  return {
    ...web,
    async dispose() {
      await web.stop();
      await database?.dispose();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A form post as a same-origin browser sends it (SvelteKit refuses cross-site form posts). */
export async function postForm(
  baseUrl: string,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: baseUrl, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}
