import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricSample } from '@minitwit/monitoring/testing';
import { type Socket, io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const missing = existsSync(join(root, 'web/build/handler.js'))
  ? undefined
  : 'web/build is missing — run `npm run build`';
if (missing) console.warn(`SKIPPED: the one-process app's realtime metrics — ${missing}`);

const AUTH = { Authorization: 'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh', 'Content-Type': 'application/json' };

interface Started {
  web: string;
  api: string;
  realtimeInternal: string;
}

/**
 * `npm start`'s launcher (infra/src/start-all.ts, from source) on the
 * embedded defaults: no Redis, so writes reach the live sockets through the
 * in-process publisher, and every port picked free. Resolves with the
 * addresses it logs once everything listens.
 */
async function startOneProcess(dataDir: string): Promise<{ child: ChildProcess; urls: Started; output: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/src/start-all.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WEB_HOST: '127.0.0.1',
      WEB_PORT: '0',
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      WEB_INTERNAL_PORT: '0',
      API_INTERNAL_PORT: '0',
      REALTIME_INTERNAL_PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: 'info',
    },
  });
  const output: string[] = [];
  const urls = await new Promise<Started>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (!line.includes('"minitwit started"')) continue;
        resolve(JSON.parse(line) as Started);
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`start-all exited with ${code}: ${output.join('')}`)));
  });
  return { child, urls, output };
}

async function metrics(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Issue 20, item 9: the operator of a one-process install sees the live
 * timelines' figures (sockets, viewers, deliveries, commit→emit) — on the
 * realtime part's operator port, as in the distributed topology, so one
 * Prometheus job and one set of dashboards fit both.
 */
describe.skipIf(Boolean(missing))("the one-process app's realtime metrics", () => {
  let dataDir: string;
  let app: Awaited<ReturnType<typeof startOneProcess>>;
  let socket: Socket | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'minitwit-one-process-'));
    app = await startOneProcess(dataDir);
  });
  afterAll(async () => {
    socket?.disconnect();
    if (app?.child.exitCode === null) {
      const exited = new Promise((resolve) => app.child.once('exit', resolve));
      app.child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts at zero and counts a real socket, its subscription and a delivery with its commit→emit time', async () => {
    const { realtimeInternal, web, api } = app.urls;
    const before = await metrics(realtimeInternal);
    expect(metricSample(before, 'realtime_connected_sockets')).toBe(0);
    expect(metricSample(before, 'realtime_viewers', { scope: 'public', signed_in: 'false' })).toBe(0);
    const deliveredBefore = metricSample(before, 'realtime_messages_delivered_total', { event: 'message:created' });
    const emittedBefore = metricSample(before, 'realtime_commit_to_emit_seconds_count', { event: 'message:created' });
    expect(deliveredBefore).toBe(0);
    expect(emittedBefore).toBe(0);

    // A browser's socket on the web app's own origin, watching the public timeline.
    socket = io(web, { transports: ['websocket'], forceNew: true, reconnection: false });
    const reply = (await socket.timeout(10_000).emitWithAck('timeline:subscribe', {
      scope: { kind: 'public' },
      afterId: 0,
    })) as { ok: boolean };
    expect(reply.ok).toBe(true);
    const received = new Promise((resolve) => socket!.once('message:created', resolve));

    const live = await metrics(realtimeInternal);
    expect(metricSample(live, 'realtime_connected_sockets')).toBe(1);
    expect(metricSample(live, 'realtime_viewers', { scope: 'public', signed_in: 'false' })).toBe(1);

    // A write through the simulator API reaches the socket in process.
    const name = 'metrics reader';
    const registered = await fetch(`${api}/register`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ username: name, email: 'reader@example.org', pwd: 'pw' }),
    });
    expect(registered.status).toBe(204);
    const posted = await fetch(`${api}/msgs/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ content: 'counted' }),
    });
    expect(posted.status).toBe(204);
    await received;
    const after = await until(
      () => metrics(realtimeInternal),
      (text) => metricSample(text, 'realtime_commit_to_emit_seconds_count', { event: 'message:created' }) === 1,
      'commit→emit observed',
    );
    expect(metricSample(after, 'realtime_messages_delivered_total', { event: 'message:created' })).toBe(1);

    socket.disconnect();
    await until(
      () => metrics(realtimeInternal),
      (text) => metricSample(text, 'realtime_connected_sockets') === 0,
      'the socket counted out',
    );
  });
});
