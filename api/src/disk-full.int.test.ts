import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DISK_RESERVE_BYTES, type Database, noopPublisher, openDatabase } from '@minitwit/db';
import { createLogger, createServiceMetrics } from '@minitwit/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, listenApi } from './server';
import { SIMULATOR_AUTH, send } from './testing/http-client';

/**
 * Issue 11, fault 3 for the embedded database: its disk fills up. A real full
 * disk needs a small filesystem of its own — a tmpfs, which only root may
 * mount; elsewhere this skips loudly. The whole default reserve is tested
 * (not a lowered one): the tmpfs is the database plus the reserve plus room.
 */
const TMPFS_BYTES = 192 * 1024 * 1024;

function mountTmpfs(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root (mounting a tmpfs needs it)';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
}

async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/** Fills the filesystem of `dir` until `leave` bytes are free, with real (not sparse) blocks. */
async function fill(file: string, leave: number): Promise<void> {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 1);
  try {
    let remaining = (await freeBytes(file.slice(0, file.lastIndexOf('/')))) - leave;
    while (remaining > 0) {
      const size = Math.min(chunk.length, remaining);
      await handle.write(chunk, 0, size);
      remaining -= size;
    }
  } finally {
    await handle.close();
  }
}

describe('the embedded database on a full disk', () => {
  let mountPoint: string;
  let skipReason: string | undefined;
  let db: Database | undefined;
  let api: RunningApi | undefined;
  const logs: Array<Record<string, unknown>> = [];
  const logStream = new PassThrough();
  logStream.on('data', (line: Buffer) => {
    for (const text of line.toString().split('\n').filter(Boolean))
      logs.push(JSON.parse(text) as Record<string, unknown>);
  });
  const logger = createLogger({ service: 'disk-full-test', destination: logStream });

  beforeAll(async () => {
    mountPoint = await mkdtemp(join(tmpdir(), 'minitwit-full-disk-'));
    skipReason = mountTmpfs(mountPoint);
    if (skipReason) console.warn(`SKIPPED: embedded database full-disk test — ${skipReason}`);
  });

  afterAll(async () => {
    await api?.close();
    await db?.close();
    if (!skipReason) execFileSync('umount', ['-l', mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it(
    'refuses writes with a 503 naming the disk, keeps reading, and loses nothing',
    { timeout: 240_000 },
    async (context) => {
      if (skipReason) return context.skip();
      const dataDir = join(mountPoint, 'pglite');
      db = await openDatabase({ dataDir, logger });
      api = await listenApi(
        {
          db,
          publisher: noopPublisher,
          logger,
          metrics: createServiceMetrics('api'),
          simulatorCredentials: 'simulator:super_safe!',
          healthChecks: {},
        },
        '127.0.0.1',
        0,
      );
      const url = api.url;
      const headers = { Authorization: SIMULATOR_AUTH };
      const register = (username: string) =>
        send(url, {
          method: 'POST',
          path: '/register',
          headers,
          body: { username, email: `${username}@example.com`, pwd: 'secret' },
        });
      expect((await register('ann')).status).toBe(204);
      const acknowledged: string[] = [];
      const post = async (content: string) => {
        const started = Date.now();
        const answer = await send(url, { method: 'POST', path: '/msgs/ann', headers, body: { content } });
        if (answer.status === 204) acknowledged.push(content);
        return { ...answer, took: Date.now() - started };
      };
      for (let i = 0; i < 5; i += 1) expect((await post(`before ${i}`)).status).toBe(204);

      // The disk fills up (another process, logs, a big import): half the reserve is left.
      const filler = join(mountPoint, 'filler');
      await fill(filler, DISK_RESERVE_BYTES / 2);
      // Writes go on until the guard's next look at the disk (every 0.5 s), then fail — each at once.
      const answers: Array<Awaited<ReturnType<typeof post>>> = [];
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && answers.at(-1)?.status !== 503)
        answers.push(await post(`filling ${answers.length}`));
      const refused = answers.at(-1)!;
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(answers.every((answer) => answer.status === 204 || answer.status === 503)).toBe(true);
      expect(Math.max(...answers.map((answer) => answer.took))).toBeLessThan(2_000);
      // Still refused, and quickly, on the next writes; registration too (the ORM-free path and the other tables).
      const again = await post('still full');
      expect([again.status, again.took < 2_000]).toEqual([503, true]);
      expect((await register('bob')).status).toBe(503);
      // The log says why, once, as an error.
      const diskErrors = logs.filter((line) => line.level === 'error' && /disk/.test(String(line.message)));
      expect(diskErrors).toHaveLength(1);
      expect(String(diskErrors[0]!.message)).toMatch(/has \d+ MB free, under the 64 MB it keeps in reserve/);
      // Reads go on: the timeline answers with everything acknowledged so far.
      const read = await send(url, { method: 'GET', path: '/msgs/ann?no=1000', headers });
      expect(read.status).toBe(200);
      expect((read.json as Array<{ content: string }>).map((m) => m.content).sort()).toEqual([...acknowledged].sort());

      // Space is freed: writes are accepted again without a restart.
      await rm(filler);
      const recoverBy = Date.now() + 5_000;
      let recovered = await post('after');
      while (recovered.status !== 204 && Date.now() < recoverBy) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        recovered = await post('after');
      }
      expect(recovered.status).toBe(204);
      expect(logs.some((line) => /writes are accepted again/.test(String(line.message)))).toBe(true);

      // No corruption: closed and opened again, the database holds every acknowledged write.
      await api.close();
      api = undefined;
      await db.close();
      db = await openDatabase({ dataDir, logger });
      const stored = await db.sql<{ text: string }>('select "text" from "messages"');
      expect(stored.map((row) => row.text).sort()).toEqual([...acknowledged].sort());
      // The figures for the closing note (warn: the lint allows no console.log outside infra).
      console.warn(
        `[fault 3: embedded database, full disk] ${acknowledged.length} writes acknowledged, all found after reopening; ` +
          `${answers.length - 1} accepted while filling, refused in ${refused.took} ms (503), then ${again.took} ms; ` +
          `reads answered 200; writes back after space was freed`,
      );
    },
  );
});
