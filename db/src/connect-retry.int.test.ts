import { type Server, type Socket, connect, createServer } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { QUERY_READ_TIMEOUT_MS, isDatabaseUnavailable } from './fail-fast';
import { openOrm } from './orm';
import { openPool } from './pool';
import { CONNECT_RETRY_WINDOW_MS, FAST_FAILURE_MS, sqlFor } from './sql';
import { createTestDatabase, postgresUrl } from './testing';

if (!postgresUrl) console.warn('SKIPPED: connection retry test — DATABASE_URL is not set');

/**
 * A TCP front for the real PostgreSQL that hangs up on the first `refuse`
 * connections, as a Swarm task that is going away does, and passes the rest through.
 */
async function flakyFront(
  refuse: number,
  /** How long the front holds a connection it refuses before hanging up (at once by default). */
  hangUpAfterMs = 0,
): Promise<{ url: string; opened: () => number; cut(): void; silence(): void; close(): Promise<void> }> {
  const target = new URL(postgresUrl!);
  const sockets = new Set<Socket>();
  let opened = 0;
  const server: Server = createServer((socket) => {
    opened += 1;
    if (opened <= refuse) {
      if (hangUpAfterMs === 0) return socket.destroy();
      sockets.add(socket);
      return void setTimeout(() => socket.destroy(), hangUpAfterMs);
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on('error', () => undefined);
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(postgresUrl!);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    opened: () => opened,
    cut: () => sockets.forEach((socket) => socket.destroy()),
    // As a host cut off from the network: connections stay open, and nothing comes back.
    silence: () =>
      sockets.forEach((socket) => {
        socket.unpipe();
        socket.pause();
      }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(!postgresUrl)('a statement whose connection could not be opened', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function sqlThrough(refuse: number, hangUpAfterMs = 0) {
    const front = await flakyFront(refuse, hangUpAfterMs);
    const pool = new pg.Pool({ connectionString: front.url, max: 2, connectionTimeoutMillis: 2_000 });
    pool.on('error', () => undefined);
    cleanups.push(async () => {
      await pool.end();
      await front.close();
    });
    return { sql: sqlFor(pool, { named: true }), front };
  }

  it('runs on a connection opened again: nothing was sent, so even a write is safe to retry', async () => {
    const { sql, front } = await sqlThrough(2);
    const rows = await sql<{ answer: number }>('select $1::int as "answer"', [42]);
    expect(rows).toEqual([{ answer: 42 }]);
    expect(front.opened()).toBe(3);
  });

  it('still fails, as unavailable and within its window, when the database stays away', async () => {
    const { sql, front } = await sqlThrough(Number.POSITIVE_INFINITY);
    const started = performance.now();
    const error = await sql('select 1').then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(CONNECT_RETRY_WINDOW_MS + 1_000);
    expect(front.opened()).toBe(4);
  });

  it('does not open again after a slow failure, which would only fail again', async () => {
    // HAProxy trying a primary that is gone hangs up after its connect timeout, not at once.
    const { sql, front } = await sqlThrough(1, FAST_FAILURE_MS * 3);
    const error = await sql('select 1').then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(front.opened()).toBe(1);
  });

  it('does not run a statement again once its connection was lost after sending it', async () => {
    const { sql, front } = await sqlThrough(0);
    await sql('select 1');
    // The connection is cut while the statement runs: its outcome is unknown, so it is not re-sent.
    setTimeout(() => front.cut(), 200);
    const error = await sql('select pg_sleep(5)').then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(front.opened()).toBe(1);
  });
});

describe.skipIf(!postgresUrl)('a statement whose server went silent (its host cut off)', () => {
  it('fails as unavailable within the read timeout, and the next statement gets a fresh connection', async () => {
    const front = await flakyFront(0);
    // The pool the services' statements run on, as openDatabase opens it for a URL.
    const pool = openPool({ url: front.url, poolSize: 2 });
    try {
      const sql = sqlFor(pool, { named: true });
      await sql('select 1');
      front.silence();
      const started = performance.now();
      const error = await sql('select $1::int as "answer"', [1]).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      const waited = performance.now() - started;
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
      expect(waited).toBeGreaterThanOrEqual(QUERY_READ_TIMEOUT_MS - 50);
      // Well before nginx's 5 s read timeout (infra/nginx/nginx.conf), so the request gets its 503.
      expect(waited).toBeLessThan(QUERY_READ_TIMEOUT_MS + 1_500);
      // The silent connection was dropped, not handed to the next statement.
      expect(pool.totalCount).toBe(0);
      const rows = await sql<{ answer: number }>('select $1::int as "answer"', [2]);
      expect(rows).toEqual([{ answer: 2 }]);
      expect(front.opened()).toBe(2);
    } finally {
      await pool.end();
      await front.close();
    }
  });
});

describe.skipIf(!postgresUrl)('a connection past its lifetime', () => {
  it('is ended once idle and replaced, with no statement failing: the pool moves off a proxy that soft-stops', async () => {
    const front = await flakyFront(0);
    const pool = openPool({ url: front.url, poolSize: 2, connectionLifetimeS: 1 });
    try {
      const sql = sqlFor(pool, { named: true });
      const backends = new Set<number>();
      const until = Date.now() + 2_500;
      while (Date.now() < until) {
        const [row] = await sql<{ pid: number }>('select pg_backend_pid() as "pid"');
        backends.add(row!.pid);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Each connection ended after 1 s: at least three over 2.5 s, every statement answered.
      expect(backends.size).toBeGreaterThanOrEqual(3);
      expect(front.opened()).toBe(backends.size);
    } finally {
      await pool.end();
      await front.close();
    }
  });
});

describe.skipIf(!postgresUrl)('a connection cut while a caller holds it between statements', () => {
  it('does not end the process: the next statement on it fails as unavailable, and the pool opens a new one', async () => {
    const front = await flakyFront(0);
    const pool = openPool({ url: front.url, poolSize: 2 });
    try {
      const client = await pool.connect();
      await client.query('select 1');
      // HAProxy marking the primary down cuts every connection, whoever holds it. pg emits 'error'
      // on a client whose connection ends with no statement on it; a checked-out client has no
      // pool listener then, and without one of its own the emit throws: the process ended
      // (api and realtime replicas, issue 18's run 15).
      front.cut();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const error = await client.query('select 1').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(isDatabaseUnavailable(error)).toBe(true);
      client.release(true);
      const sql = sqlFor(pool, { named: true });
      expect(await sql<{ n: number }>('select 2 as "n"')).toEqual([{ n: 2 }]);
    } finally {
      await pool.end();
      await front.close();
    }
  });
});

describe.skipIf(!postgresUrl)('a replica starting while the database hangs up on it', () => {
  it('waits for the database (DATABASE_MIGRATIONS=wait) instead of exiting on its first connection', async () => {
    const migrated = await createTestDatabase('postgres');
    // The first connections are hung up on, as by a primary too busy to answer or a proxy cutting
    // every connection. MikroORM's own database check (ensureDatabase) made init fail on them, and
    // the replica exited: in a rolling update Swarm then rolled the service back (issue 18, run 16).
    const front = await flakyFront(3);
    const url = new URL(front.url);
    url.pathname = new URL(migrated.url!).pathname;
    try {
      const orm = await openOrm({ url: url.toString(), poolSize: 2 }, { mode: 'wait', waitMs: 15_000 });
      await orm.close(true);
      expect(front.opened()).toBeGreaterThan(3);
    } finally {
      await front.close();
      await migrated.dispose();
    }
  });
});
