import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { now, sleep } from './clock';
import { freePort } from '@minitwit/monitoring/testing';

/** `api/src/main.ts`, the API exactly as deployed, as a child process publishing through Redis. */
export interface ApiChild {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../../api/src/main.ts', import.meta.url));

export async function startApi(databaseUrl: string, redisUrl: string, channel: string): Promise<ApiChild> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_CHANNEL: channel,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      API_INTERNAL_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`api exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/latest`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (now() > deadline) throw new Error('api did not come up within 30 s');
    await sleep(200);
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
