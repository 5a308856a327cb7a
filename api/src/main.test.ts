import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATOR_AUTH, send } from './testing/http-client';

const root = new URL('../..', import.meta.url).pathname;
const tsx = join(root, 'node_modules/.bin/tsx');

/** Starts `api/src/main.ts` as its own process and waits for its "listening" log line. */
function startService(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; lines: string[] }> {
  const child = spawn(tsx, ['api/src/main.ts'], { cwd: root, env: { ...process.env, ...env } });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const entry = JSON.parse(line) as { message?: string; url?: string };
      if (entry.message === 'api listening' && entry.url) resolve({ child, url: entry.url, lines });
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

describe('the API process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'minitwit-main-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start on a bad variable, naming it', async () => {
    const child = spawn(tsx, ['api/src/main.ts'], { cwd: root, env: { ...process.env, API_PORT: 'lots' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('API_PORT');
  });

  // Two process starts, each a cold PGlite start: slow on a busy two-core machine.
  it(
    'finishes an in-flight request on SIGTERM, then exits cleanly; the data survives a restart',
    { timeout: 240_000 },
    async () => {
      const env = { API_PORT: '0', API_INTERNAL_PORT: '0', DATA_DIR: dataDir, DATABASE_URL: '' };
      const first = await startService(env);
      // The request is in flight for sure: its headers are in, its body still arrives after the signal.
      const body = JSON.stringify({ username: 'last one in', email: 'l@example.com', pwd: 'pw' });
      const request = httpRequest(`${first.url}/register?latest=5`, {
        method: 'POST',
        agent: false,
        headers: { Connection: 'close', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      });
      const inFlight = new Promise<{ status: number }>((resolve, reject) => {
        request.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        });
        request.on('error', reject);
      });
      request.write(body.slice(0, 10));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      first.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200));
      request.end(body.slice(10));
      expect((await inFlight).status).toBe(204);
      const code = await new Promise((resolve) => first.child.on('exit', resolve));
      expect(code).toBe(0);
      expect(first.lines.some((line) => line.includes('"stopped"'))).toBe(true);

      const second = await startService(env);
      try {
        const answer = await send(second.url, {
          method: 'GET',
          path: `/msgs/${encodeURIComponent('last one in')}`,
          headers: { Authorization: SIMULATOR_AUTH },
        });
        expect(answer.status).toBe(200);
        expect((await send(second.url, { method: 'GET', path: '/latest' })).json).toEqual({ latest: 5 });
      } finally {
        second.child.kill('SIGTERM');
        await new Promise((resolve) => second.child.on('exit', resolve));
      }
    },
  );
});
