/**
 * `npm run bench:timelines` (after `npm run seed` into the named database, and
 * `npm run build` for the web render column): server-side latency of every
 * timeline read on the seeded data — public, one user, My Timeline for viewers
 * following 0, 1, 50 and 2,000 accounts, and Mentions of a viewer named by
 * 10,000 messages among 1M mentions (viewers.ts); page 1 and page 100 (by cursor); the
 * live catch-up after 1,000 missed messages — each timed three ways in this
 * run: the bare SQL statement on its own `pg` connection (the baseline), the
 * domain call (`db.timelines`), and the web app's render of the page (measured
 * inside the server, from request to the response's end).
 */
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BACKLOG_LIMIT } from '@minitwit/realtime';
import pg from 'pg';
import { openDatabase } from '../src/database';
import { type Cursor, decodeCursor } from '../src/domain/cursor';
import { type PageRequest, type TimelineScope, pageStatement, sinceStatement } from '../src/domain/timelines';
import { provideDatabase } from '../src/shared-instance';
import { checkAgainstDefinition, definitionFilter } from './definition';
import { type Viewer, benchMentioned, benchViewers } from './viewers';

const { values: flags } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/minitwit_bench',
    },
    requests: { type: 'string', default: '200' },
  },
});
const REQUESTS = Number(flags.requests);
const WARMUP = 20;
/** The web app's page size and the realtime server's backlog read (BACKLOG_LIMIT + 1). */
const PAGE_SIZE = 30;
const BACKLOG_READ = BACKLOG_LIMIT + 1;
const MISSED = 1_000;
const root = new URL('../..', import.meta.url).pathname;
const webBuild = join(root, 'web/build');

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function time(run: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

const url = flags['database-url'] as string;
const db = await openDatabase({ url, dataDir: '', poolSize: 2 });
const raw = new pg.Client({ connectionString: url });
await raw.connect();
const server = createServer();
try {
  const [size] = await db.sql<{ users: string; messages: string; follows: string }>(
    `select (select count(*) from "users") as "users", (select count(*) from "messages") as "messages",
            (select count(*) from "followers") as "follows"`,
  );
  const viewers = await benchViewers(db);
  const mentioned = await benchMentioned(db);
  await db.sql(`vacuum (analyze) "messages"`);

  // The web render, when the app is built: its handler on an in-process server that times each request itself.
  let web: { base: string; timings: number[] } | undefined;
  const built = await readFile(join(webBuild, 'handler.js')).then(
    () => true,
    () => false,
  );
  if (built) {
    provideDatabase(db);
    const { handler } = (await import(pathToFileURL(join(webBuild, 'handler.js')).href)) as { handler: NodeHandler };
    const timings: number[] = [];
    server.on('request', (req, res) => {
      const started = performance.now();
      res.on('finish', () => timings.push(performance.now() - started));
      handler(req, res);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    web = { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timings };
  } else {
    console.warn('SKIPPED: web render column — web/build is missing (run `npm run build` first)');
  }

  async function webTime(path: string, cookie?: string): Promise<{ p50: number; p99: number } | undefined> {
    if (!web) return undefined;
    const headers: Record<string, string> = { accept: 'text/html', ...(cookie ? { cookie } : {}) };
    const run = async () => {
      const response = await fetch(`${web.base}${path}`, { headers, redirect: 'manual' });
      const body = await response.text();
      if (response.status !== 200 || !body.includes('class="messages"')) throw new Error(`${path}: ${response.status}`);
    };
    for (let i = 0; i < WARMUP; i++) await run();
    web.timings.length = 0;
    for (let i = 0; i < REQUESTS; i++) await run();
    const sorted = [...web.timings].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }

  /** The cursor that opens page `n` (of PAGE_SIZE), walking the pages as a reader would. */
  async function cursorOfPage(scope: TimelineScope, n: number): Promise<Cursor | undefined> {
    let before: Cursor | undefined;
    for (let page = 1; page < n; page++) {
      const { nextCursor } = await db.timelines.page(scope, { limit: PAGE_SIZE, before });
      if (!nextCursor) throw new Error(`${JSON.stringify(scope)} has fewer than ${n} pages`);
      before = decodeCursor(nextCursor);
    }
    return before;
  }

  /** The id after which exactly MISSED messages of the scope follow. */
  async function missedFrom(scope: TimelineScope): Promise<number> {
    const [row] = await db.sql<{ id: number }>(
      `select m."id" from "messages" m where ${definitionFilter(scope)} order by m."id" desc offset ${MISSED} limit 1`,
    );
    return row?.id ?? 0;
  }

  const rows: { name: string; sql: string; domain: string; web: string }[] = [];
  const cell = (t: { p50: number; p99: number } | undefined) =>
    t ? `${t.p50.toFixed(2).padStart(6)} ${t.p99.toFixed(2).padStart(6)}` : '     –      –';

  const [heaviest] = await db.sql<{ id: number; username: string }>(
    `select "id", "username" from "users" where "username" = 'user1'`,
  );
  const scopes: { name: string; scope: TimelineScope; path: string; cookie?: string; viewer?: Viewer }[] = [
    { name: 'public', scope: { kind: 'public' }, path: '/public' },
    {
      name: `user (${heaviest?.username}, most messages)`,
      scope: { kind: 'user', userId: heaviest?.id ?? 1 },
      path: `/${encodeURIComponent(heaviest?.username ?? 'user1')}`,
    },
  ];
  for (const viewer of viewers) {
    const token = await db.sessions.create(viewer.id, 3_600_000);
    scopes.push({
      name: `My Timeline, follows ${viewer.follows}`,
      scope: { kind: 'home', userId: viewer.id },
      path: '/',
      cookie: `session=${token}`,
      viewer,
    });
  }

  const [mentionRows] = await db.sql<{ n: string }>(`select count(*) as "n" from "mentions"`);
  scopes.push({
    name: `Mentions (${mentioned.mentions} of ${mentionRows?.n} mentions)`,
    scope: { kind: 'mentions', userId: mentioned.id },
    path: '/mentions',
    cookie: `session=${await db.sessions.create(mentioned.id, 3_600_000)}`,
  });

  for (const { name, scope, path, cookie } of scopes) {
    process.stderr.write(`${name}...\n`);
    for (const pageNumber of [1, 100]) {
      const before = await cursorOfPage(scope, pageNumber);
      const request: PageRequest = { limit: PAGE_SIZE, before };
      await checkAgainstDefinition(db, scope, request);
      const statement = pageStatement(scope, request);
      const cursorQuery = before ? `?before=${before.pubDate.getTime()}-${before.id}` : '';
      rows.push({
        name: `${name}, page ${pageNumber}`,
        sql: cell(await time(() => raw.query(statement.query, statement.params))),
        domain: cell(await time(() => db.timelines.page(scope, request))),
        web: cell(await webTime(`${path}${cursorQuery}`, cookie)),
      });
    }
    const afterId = await missedFrom(scope);
    const statement = sinceStatement(scope, afterId, BACKLOG_READ);
    const caughtUp = await db.timelines.since(scope, afterId, BACKLOG_READ);
    rows.push({
      name: `${name}, catch-up after ${MISSED} missed (${caughtUp.length} read)`,
      sql: cell(await time(() => raw.query(statement.query, statement.params))),
      domain: cell(await time(() => db.timelines.since(scope, afterId, BACKLOG_READ))),
      web: cell(undefined),
    });
  }

  console.log(
    `bench:timelines on ${size?.users} users, ${size?.messages} messages, ${size?.follows} follows; ` +
      `${REQUESTS} sequential requests per cell after ${WARMUP} warm-up; page size ${PAGE_SIZE}, backlog read ${BACKLOG_READ}; ms, p50 p99`,
  );
  console.log(`${'row'.padEnd(58)} ${'bare SQL'.padEnd(13)}   ${'db.timelines'.padEnd(13)}   web render`);
  for (const row of rows) console.log(`${row.name.padEnd(58)} ${row.sql}   ${row.domain}   ${row.web}`);
} finally {
  server.close();
  await raw.end();
  await db.close();
}
// The web app's handler keeps its own resources (its database handle's timers, the operator listener) open.
process.exit(0);
