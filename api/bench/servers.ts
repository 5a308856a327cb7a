import { type ChildProcess, spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;

/**
 * How the API under test starts: exactly as in production (`npm run
 * start:api`), the compiled bundle on plain Node. The one place to change it.
 */
export const API_ENTRY = 'api/dist/main.js';
const NODE_FLAGS = ['--conditions=compiled', '--enable-source-maps'];

/** The baseline servers, compiled the same way (plain Node, no TypeScript loader at run time). */
const BASELINES = { null: 'api/bench/null-server.ts', floor: 'api/bench/floor-server.ts' } as const;
const baselineDir = join(root, 'api/bench/dist');

export async function prepareServers(): Promise<void> {
  try {
    await access(join(root, API_ENTRY));
  } catch {
    throw new Error(`${API_ENTRY} is missing: run \`npm run build\` first (bench:api measures the compiled API)`);
  }
  await build({
    absWorkingDir: root,
    entryPoints: Object.entries(BASELINES).map(([out, input]) => ({ in: input, out })),
    outdir: baselineDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}

function start(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') process.stderr.write(`server exited with ${code ?? signal}\n`);
  });
  return child;
}

export function startApi(env: Record<string, string>, cpuProfileDir?: string): ChildProcess {
  const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  return start([...NODE_FLAGS, ...profile, API_ENTRY], env);
}

export function startBaseline(kind: keyof typeof BASELINES, args: string[]): ChildProcess {
  return start([join(baselineDir, `${kind}.js`), ...args], {});
}
