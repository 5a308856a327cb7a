import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('../../..', import.meta.url).pathname;

/**
 * `npm run start:realtime` as its own process (`realtime/src/main.ts`), for
 * tests whose failure mode is the process ending. On the given PostgreSQL
 * database, or on an embedded one in a temp dir of its own.
 */
export interface RealtimeProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** The operator port's URL: `/healthz` and `/metrics`. */
  internalUrl: string;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  alive(): boolean;
  stop(): Promise<void>;
}

export async function startRealtimeProcess(
  options: { databaseUrl?: string; redisUrl?: string; channel?: string; env?: Record<string, string> } = {},
): Promise<RealtimeProcess> {
  const dataDir = options.databaseUrl ? '' : await mkdtemp(join(tmpdir(), 'minitwit-realtime-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'realtime/src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      REALTIME_PORT: '0',
      REALTIME_HOST: '127.0.0.1',
      REALTIME_INTERNAL_PORT: '0',
      DATABASE_URL: options.databaseUrl ?? '',
      ...(dataDir ? { DATA_DIR: dataDir } : {}),
      REDIS_URL: options.redisUrl ?? '',
      REDIS_CHANNEL: options.channel ?? 'socket.io',
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const cleanUp = () => (dataDir ? rm(dataDir, { recursive: true, force: true }) : Promise.resolve());
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const { port, internalPort } = await new Promise<{ port: number; internalPort: number }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        entry = { unparsed: line };
      }
      logs.push(entry);
      if (entry.message === 'realtime server listening') {
        resolve({ port: entry.port as number, internalPort: entry.internalPort as number });
      }
    });
    child.once('exit', (code) => reject(new Error(`realtime process exited with ${code} before listening: ${stderr}`)));
  }).catch(async (error: unknown) => {
    await cleanUp();
    throw error;
  });

  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    internalUrl: `http://127.0.0.1:${internalPort}`,
    logs,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 8_000);
        await exited;
        clearTimeout(killer);
      }
      await cleanUp();
    },
  };
}
