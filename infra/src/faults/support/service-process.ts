import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { freePort } from '@minitwit/monitoring/testing';

/**
 * A MiniTwit service as its own process, as it runs in production, so a test
 * can SIGKILL or SIGTERM it: the API (`api/src/main.ts`), a realtime server
 * (`realtime/src/main.ts`) or everything in one process (`infra/src/start-all.ts`,
 * which needs `npm run build` first). Listens on random ports of 127.0.0.1.
 */
export type ServiceKind = 'api' | 'realtime' | 'all' | 'web';

/** Entry file and the log line that says it listens (adapter-node's web app logs plain text). */
const ENTRY: Record<ServiceKind, { file: string; ready: string }> = {
  api: { file: 'api/src/main.ts', ready: 'api listening' },
  realtime: { file: 'realtime/src/main.ts', ready: 'realtime server listening' },
  all: { file: 'infra/src/start-all.ts', ready: 'minitwit started' },
  web: { file: 'web/build/index.js', ready: 'Listening on' },
};

const PORT_ZERO: Record<ServiceKind, Record<string, string>> = {
  api: { API_HOST: '127.0.0.1', API_PORT: '0' },
  realtime: { REALTIME_HOST: '127.0.0.1', REALTIME_PORT: '0' },
  all: { API_HOST: '127.0.0.1', API_PORT: '0', WEB_HOST: '127.0.0.1', WEB_PORT: '0' },
  // adapter-node: the caller gives PORT and ORIGIN (webEnv), the form-post origin check needs them to agree.
  web: { HOST: '127.0.0.1' },
};

export const repoRoot = new URL('../../../..', import.meta.url).pathname;

export interface ServiceProcess {
  child: ChildProcess;
  /** The API's URL (api, all), the realtime server's (realtime) or the web app's (all). */
  url: string;
  /** The operator port (`/healthz`, `/metrics`) of the service `url` names. */
  internalUrl: string;
  /** The API's URL when `kind` is `all`. */
  apiUrl?: string;
  /** The API's and the live timelines' operator ports when `kind` is `all`. */
  apiInternalUrl?: string;
  realtimeInternalUrl?: string;
  /** Every JSON log line so far (the last 5,000). */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export async function startService(
  kind: ServiceKind,
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<ServiceProcess> {
  const { file, ready } = ENTRY[kind];
  // Known free ports rather than 0: adapter-node's web app logs its ports in no line a caller may rely on.
  const internal = { web: await freePort(), api: await freePort(), realtime: await freePort() };
  // node --import tsx rather than the tsx binary: signals reach the service itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      ...PORT_ZERO[kind],
      WEB_INTERNAL_PORT: String(internal.web),
      API_INTERNAL_PORT: String(internal.api),
      REALTIME_INTERNAL_PORT: String(internal.realtime),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind} did not start within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // adapter-node's "Listening on http://127.0.0.1:<port>"
        if (!line.startsWith(ready)) return;
        entry = { message: ready, url: line.slice(ready.length).trim() };
      }
      lines.push(entry);
      if (lines.length > 5_000) lines.shift();
      if (entry.message === ready) {
        clearTimeout(timer);
        resolve(entry);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code} before listening: ${stderr}`));
    });
  });
  const url =
    kind === 'realtime'
      ? `http://127.0.0.1:${String(started.port)}`
      : kind === 'all'
        ? String(started.web)
        : String(started.url);
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  const at = (port: number) => `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    internalUrl: at(internal[kind === 'all' ? 'web' : kind]),
    apiUrl: kind === 'all' ? String(started.api) : undefined,
    apiInternalUrl: kind === 'all' ? at(internal.api) : undefined,
    realtimeInternalUrl: kind === 'all' ? at(internal.realtime) : undefined,
    lines,
    exited,
    signal,
    async stop(graceMs = 10_000) {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Environment for `startService('all' | 'web', …)`: the web app on a known port with its ORIGIN. */
export async function webEnv(): Promise<Record<string, string>> {
  const port = await freePort();
  return { WEB_PORT: String(port), PORT: String(port), ORIGIN: `http://127.0.0.1:${port}` };
}
