import { type TestDatabase, createTestDatabase, postgresUrl } from '@minitwit/db/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSocket, waitFor } from '../testing/harness';
import {
  FUZZ_SEED,
  rawExchange,
  type RawRequest,
  serialise,
  STACK_TRACE,
  testRedisUrl,
  uniqueChannel,
} from '@minitwit/testing';
import { type RealtimeProcess, startRealtimeProcess } from '../testing/realtime-process';

/**
 * The realtime server's whole HTTP surface, against the real process
 * (`npm run start:realtime`): no request may end it (issue 12). On
 * PostgreSQL and Redis when the run has them, else embedded.
 */
describe('realtime server process, hostile HTTP', () => {
  let database: TestDatabase | undefined;
  let server: RealtimeProcess;
  /** A socket connected before any hostile request: it must stay connected through all of them. */
  let bystander: ReturnType<typeof rawSocket>;
  let bystanderDropped = false;

  beforeAll(async () => {
    if (postgresUrl) database = await createTestDatabase('postgres');
    server = await startRealtimeProcess({
      databaseUrl: database?.url,
      redisUrl: testRedisUrl,
      channel: uniqueChannel('http-surface'),
    });
    bystander = rawSocket(server.url);
    bystander.on('disconnect', () => (bystanderDropped = true));
    await waitFor(() => bystander.connected, 'the bystander socket');
  });
  afterAll(async () => {
    bystander?.disconnect();
    await server?.stop();
    await database?.dispose();
  });

  const exchange = (request: RawRequest, timeoutMs?: number) => rawExchange(server.port, serialise(request), timeoutMs);

  async function expectStillServing(): Promise<void> {
    // A crash shows a little after the answer that caused it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.alive(), 'the process is running').toBe(true);
    expect(bystanderDropped, 'the bystander socket was dropped').toBe(false);
    const health = await fetch(`${server.internalUrl}/healthz`);
    expect(health.status).toBe(200);
    const fresh = rawSocket(server.url);
    try {
      await waitFor(() => fresh.connected, 'a new socket');
    } finally {
      fresh.disconnect();
    }
    expect(server.logs.filter((entry) => String(entry.message).startsWith('unhandled error'))).toEqual([]);
  }

  it('answers a long-polling handshake it does not offer once, and keeps running (issue 12)', async () => {
    const answer = await exchange({ method: 'GET', target: '/socket.io/?EIO=4&transport=polling' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ code: 0, message: 'Transport unknown' });
    await expectStillServing();
  });

  it('serves /healthz and /metrics on the internal port only, each answered once', async () => {
    const internalPort = Number(new URL(server.internalUrl).port);
    const internal = (request: RawRequest) => rawExchange(internalPort, serialise(request));
    const health = await internal({ method: 'GET', target: '/healthz' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    const metrics = await internal({ method: 'GET', target: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('realtime_connected_sockets');
    expect((await internal({ method: 'POST', target: '/healthz' })).status).toBe(405);
    expect((await exchange({ method: 'GET', target: '/healthz' })).status).toBe(404);
    expect((await exchange({ method: 'GET', target: '/metrics' })).status).toBe(404);
    expect((await exchange({ method: 'GET', target: '/nothing-here' })).status).toBe(404);
    await expectStillServing();
  });

  it(
    'survives seeded random requests to every path, with every transport, bad EIO and sid, huge queries',
    { timeout: 300_000 },
    async () => {
      const liveSid = bystander.io.engine.id;
      const text = fc.string({ unit: 'binary', maxLength: 40 });
      const queryValue = fc.oneof(
        fc.constantFrom('', '4', '3', '5', '0', '-1', 'x', '%00', '%E2%82', '%FF', '__proto__', liveSid),
        text.map(encodeURIComponent),
        fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'a'.repeat(n)),
      );
      const query = fc
        .record(
          {
            EIO: fc.oneof(fc.constantFrom('4', '3', '5', '0', '-1', 'x', '', '4'.repeat(5_000)), queryValue),
            transport: fc.oneof(
              fc.constantFrom('polling', 'websocket', 'webtransport', 'flashsocket', '', 'x', 'constructor'),
              queryValue,
            ),
            sid: fc.oneof(fc.constantFrom(liveSid, `${liveSid}x`, 'AAAAAAAAAAAAAAAAAAAA', ''), queryValue),
            t: queryValue,
            b64: fc.constantFrom('1', 'true', ''),
            extra: fc.array(fc.tuple(text.map(encodeURIComponent), queryValue), { maxLength: 4 }),
          },
          { requiredKeys: [] },
        )
        .map(({ extra, ...named }) =>
          [...Object.entries(named), ...(extra ?? [])].map(([key, value]) => `${key}=${String(value)}`).join('&'),
        );
      const path = fc.oneof(
        fc.constantFrom(
          '/socket.io/',
          '/socket.io',
          '/socket.io/socket.io.js',
          '/socket.io/../healthz',
          '/socket.io//',
          '/healthz',
          '/metrics',
          '/',
          '/%00',
          '/%E2%82',
          '//socket.io/',
          '/SOCKET.IO/',
          '*',
        ),
        text.map((segment) => `/${encodeURIComponent(segment)}`),
      );
      const header = fc.oneof(
        fc.constant<[string, string]>(['Origin', 'http://evil.test']),
        fc.constant<[string, string]>(['Origin', 'null']),
        text.map((value): [string, string] => ['Cookie', `session=${encodeURIComponent(value)}`]),
        fc.constantFrom<[string, string]>(
          ['Content-Type', 'application/octet-stream'],
          ['Content-Type', 'text/plain;charset=UTF-8'],
          ['Content-Type', 'application/json'],
          ['Accept-Encoding', 'gzip, deflate, br'],
          ['X-Forwarded-For', 'not an address'],
          ['Sec-WebSocket-Version', '8'],
          ['Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits=99'],
        ),
      );
      const upgrade = fc.constantFrom<Array<[string, string]>>(
        [
          ['Connection', 'Upgrade'],
          ['Upgrade', 'websocket'],
          ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
          ['Sec-WebSocket-Version', '13'],
        ],
        [
          ['Connection', 'Upgrade'],
          ['Upgrade', 'websocket'],
        ],
        [
          ['Connection', 'Upgrade'],
          ['Upgrade', 'h2c'],
        ],
      );
      const request = fc.record({
        method: fc.constantFrom('GET', 'GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE', 'BREW'),
        path,
        query: fc.option(query, { nil: undefined }),
        headers: fc.array(header, { maxLength: 3 }),
        // Rarely: an upgrade the server does not take is closed only after engine.io's 1 s grace.
        upgrade: fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: upgrade, weight: 1 }),
        body: fc.option(
          fc.oneof(
            fc.constantFrom('40', '42["timeline:subscribe",{}]', '1', '0{"sid":"x"}', '\u0000', '\ud800'),
            fc.string({ maxLength: 2_000 }),
            fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
          ),
          { nil: undefined },
        ),
      });

      let cases = 0;
      await fc.assert(
        fc.asyncProperty(request, async (input) => {
          cases += 1;
          const target = input.query === undefined ? input.path : `${input.path}?${input.query}`;
          const answer = await exchange({
            method: input.method,
            target,
            headers: [...input.headers, ...(input.upgrade ?? [])],
            body: input.body,
          });
          const what = `${input.method} ${target.slice(0, 120)}`;
          expect(answer.timedOut, `${what}: no answer in time`).toBe(false);
          // null: the server closed the connection without answering (an upgrade it does not take, CONNECT-like).
          if (answer.status !== null) expect(answer.status, what).toBeLessThan(500);
          expect(answer.body, what).not.toMatch(STACK_TRACE);
          expect(server.alive(), `${what} ended the process`).toBe(true);
        }),
        { seed: FUZZ_SEED, numRuns: 400, endOnFailure: true },
      );
      expect(cases).toBe(400);
      console.warn(`realtime HTTP fuzz: ${cases} requests (seed ${FUZZ_SEED})`);
      await expectStillServing();
    },
  );

  it('survives raw garbage on its port', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 4_000 }),
          fc.string({ unit: 'binary', maxLength: 500 }).map((junk) => Buffer.from(`GET /socket.io/${junk}\r\n\r\n`)),
          fc.constantFrom(
            Buffer.from(
              'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
            ),
            Buffer.from('POST /healthz HTTP/1.1\r\nContent-Length: -1\r\n\r\n'),
            Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'),
            Buffer.from(`GET /${'a'.repeat(70_000)} HTTP/1.1\r\n\r\n`),
          ),
        ),
        async (bytes) => {
          const answer = await rawExchange(server.port, Buffer.from(bytes), 3_000, true);
          if (answer.status !== null) expect(answer.status).toBeLessThan(500);
          expect(server.alive()).toBe(true);
        },
      ),
      { seed: FUZZ_SEED, numRuns: 100, endOnFailure: true },
    );
    await expectStillServing();
  });
});
