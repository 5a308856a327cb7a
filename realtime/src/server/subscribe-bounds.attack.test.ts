import { PassThrough } from 'node:stream';
import { type TestDatabase, createTestDatabase, postgresUrl } from '@minitwit/db/testing';
import { createLogger } from '@minitwit/monitoring';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, createUser, rawSocket, startTestServer, waitFor } from '../testing/harness';

/**
 * Issue 19 finding 6: ids past PostgreSQL's `integer` reached the database,
 * which refused them, and each such subscription wrote error lines with
 * stacks: anyone could fill the error log. They are a client's mistake, so the
 * answer is `invalid`, and nothing is logged at error level.
 */
const INT4_MAX = 2_147_483_647;

describe('subscription ids out of the database range', () => {
  let database: TestDatabase;
  let server: TestServer;
  const lines: Array<{ level: string; message: string }> = [];
  const sockets: Array<ReturnType<typeof rawSocket>> = [];

  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl ? 'postgres' : 'embedded');
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    });
    server = await startTestServer(database.db, { logger: createLogger({ service: 'realtime-test', destination }) });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await server?.close();
    await database?.dispose();
  });

  const subscribe = async (request: unknown) => {
    const socket = rawSocket(server.url);
    sockets.push(socket);
    await waitFor(() => socket.connected, 'connection');
    return (await socket.timeout(5_000).emitWithAck('timeline:subscribe', request)) as { ok: boolean; error?: string };
  };

  const attacks = [
    ['afterId 2^53-1', { scope: { kind: 'public' }, afterId: Number.MAX_SAFE_INTEGER }],
    ['afterId 2^31', { scope: { kind: 'public' }, afterId: INT4_MAX + 1 }],
    ['userId 3e9', { scope: { kind: 'user', userId: 3e9 }, afterId: 0 }],
    ['userId 2^31', { scope: { kind: 'user', userId: INT4_MAX + 1 }, afterId: 0 }],
    ['userId 2^53-1 with afterId 2^53-1', { scope: { kind: 'user', userId: 2 ** 53 - 1 }, afterId: 2 ** 53 - 1 }],
  ] as const;

  it.each(attacks)('answers %s with invalid and logs no error', async (_name, request) => {
    const before = lines.length;
    expect(await subscribe(request)).toEqual({ ok: false, error: 'invalid' });
    // Let any late log line land before counting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines.slice(before).filter((line) => line.level === 'error')).toEqual([]);
  });

  it('still takes the largest ids the database holds', async () => {
    const author = await createUser(database.db, 'Edge');
    const user = await subscribe({ scope: { kind: 'user', userId: author.id }, afterId: INT4_MAX });
    expect(user).toEqual({ ok: true, messages: [], truncated: false });
    const unknown = await subscribe({ scope: { kind: 'user', userId: INT4_MAX }, afterId: 0 });
    expect(unknown).toEqual({ ok: true, messages: [], truncated: false });
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
