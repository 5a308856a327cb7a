/**
 * `npm run bench:web` (after `npm run build`): the built web app on a fresh
 * embedded database seeded with 30 messages; prints the gzipped JavaScript a
 * visitor of /public downloads and the server render time of /public and /
 * (signed in), p50/p99 over 200 sequential requests each.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SESSION_COOKIE, openDatabase, provideDatabase } from '@minitwit/db';

const REQUESTS = 200;
const WARMUP = 30;
const MESSAGES = 30;
const here = dirname(fileURLToPath(import.meta.url));
const buildDir = join(here, '..', 'build');
const clientDir = join(buildDir, 'client');

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function timeRequests(url: string, cookie?: string): Promise<{ p50: number; p99: number }> {
  const headers: Record<string, string> = { accept: 'text/html' };
  if (cookie) headers.cookie = cookie;
  const once = async () => {
    const started = performance.now();
    const response = await fetch(url, { headers, redirect: 'manual' });
    const body = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200 || !body.includes('ul class="messages"')) throw new Error(`${url}: ${response.status}`);
    return ms;
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Every JS file the page loads: SvelteKit's entry points and the page's nodes, with their static imports. */
async function shippedJavaScript(html: string): Promise<{ files: number; raw: number; gzipped: number }> {
  const entries = [...html.matchAll(/import\("\.\/(_app\/[^"]+\.js)"\)/g)].map((m) => m[1] ?? '');
  const nodeIds = JSON.parse(/node_ids: (\[[\d, ]*\])/.exec(html)?.[1] ?? '[]') as number[];
  const appFile = entries.find((file) => /\/app\.[^/]+\.js$/.test(file));
  if (!appFile) throw new Error('no app entry in the page');
  const app = await readFile(join(clientDir, appFile), 'utf8');
  const nodeFiles = new Map(
    [...app.matchAll(/"\.\.\/nodes\/(\d+)\.([\w-]+)\.js"/g)].map((m) => [Number(m[1]), `../nodes/${m[1]}.${m[2]}.js`]),
  );
  const queue = [
    ...entries.map((file) => join(clientDir, file)),
    ...nodeIds.map((id) => resolve(dirname(join(clientDir, appFile)), nodeFiles.get(id) ?? '')),
  ];
  const seen = new Set<string>();
  let raw = 0;
  let gzipped = 0;
  while (queue.length > 0) {
    const file = queue.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    const source = await readFile(file);
    raw += source.length;
    gzipped += gzipSync(source, { level: 9 }).length;
    for (const m of source.toString('utf8').matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.js)"/g)) {
      queue.push(resolve(dirname(file), m[1] ?? ''));
    }
  }
  return { files: seen.size, raw, gzipped };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'minitwit-bench-'));
  const db = await openDatabase({ dataDir });
  provideDatabase(db);
  const server = createServer();
  try {
    const reader = await db.users.register({ username: 'reader', email: 'reader@example.com', password: 'pw' });
    const author = await db.users.register({ username: 'author', email: 'author@example.com', password: 'pw' });
    await db.follows.follow('reader', 'author');
    for (let n = 0; n < MESSAGES; n++) {
      await db.messages.post(n % 2 === 0 ? reader.id : author.id, `Message number ${n} with a little text in it.`);
    }
    const token = await db.sessions.create(reader.id, 3_600_000);

    const { handler } = (await import(pathToFileURL(join(buildDir, 'handler.js')).href)) as { handler: NodeHandler };
    server.on('request', (req, res) => handler(req, res));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const html = await (await fetch(`${base}/public`)).text();
    const js = await shippedJavaScript(html);
    const publicTimes = await timeRequests(`${base}/public`);
    const homeTimes = await timeRequests(`${base}/`, `${SESSION_COOKIE}=${token}`);

    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    console.log(
      `JavaScript for /public: ${js.files} files, ${kb(js.raw)} raw, ${kb(js.gzipped)} gzipped (target ≤ 60 KB)`,
    );
    console.log(
      `GET /public (${MESSAGES} messages, signed out): p50 ${ms(publicTimes.p50)}, p99 ${ms(publicTimes.p99)} over ${REQUESTS} requests`,
    );
    console.log(
      `GET / (My Timeline, ${MESSAGES} messages, signed in): p50 ${ms(homeTimes.p50)}, p99 ${ms(homeTimes.p99)} over ${REQUESTS} requests`,
    );
  } finally {
    server.close();
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
