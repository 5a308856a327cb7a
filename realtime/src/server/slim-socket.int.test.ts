import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@minitwit/db/testing';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscribeReply } from '../contract';
import { type TestServer, createUser, startTestServer, waitFor } from '../testing/harness';
import { RESPONSE_CLOSE_LISTENER } from './slim-socket';

/** What an idle socket keeps after the handshake (memory per socket, SPEC §4 bench). */
let database: TestDatabase;
let server: TestServer;
let client: Socket | undefined;

beforeAll(async () => {
  database = await createTestDatabase('embedded');
  server = await startTestServer(database.db);
});
afterAll(async () => {
  client?.disconnect();
  await server?.close();
  await database?.dispose();
});

it('drops the handshake headers and the upgrade request, and keeps the signed-in user', async () => {
  const alice = await createUser(database.db, 'Slim');
  client = connect(server.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: `session=${alice.sessionToken}` },
  });
  const reply = (await client.timeout(5_000).emitWithAck('timeline:subscribe', {
    scope: { kind: 'home' },
    afterId: 0,
  })) as SubscribeReply;
  expect(reply.ok).toBe(true);
  await waitFor(() => server.server.io.sockets.sockets.size === 1, 'the server side of the socket');
  const [socket] = [...server.server.io.sockets.sockets.values()];
  expect(socket!.data.user).toEqual({ id: alice.id, username: alice.username });
  expect(socket!.handshake.headers).toEqual({});
  expect(socket!.conn.request).toBeNull();
  // engine.io's stand-in response no longer holds the request through the TCP socket's close listeners.
  const tcp = (socket!.conn.transport as unknown as { socket: { _socket: NodeJS.EventEmitter } }).socket._socket;
  const listeners = tcp.listeners('close').map(String);
  expect(listeners).not.toContain(RESPONSE_CLOSE_LISTENER);
});

/**
 * slimSocket finds engine.io's listener by its source text (there is no public
 * way to drop the stand-in response): these fail when an engine.io upgrade may
 * have changed it, so the removal does not stop working silently.
 */
describe('the engine.io that socket.io loads', () => {
  // Resolved from socket.io, as socket.io itself resolves it (not whatever copy a test would find).
  const fromSocketIo = createRequire(createRequire(import.meta.url).resolve('socket.io'));
  const engineDir = join(dirname(fromSocketIo.resolve('engine.io')), '..');

  it('is the minor version the listener text was checked against (a new one must be looked at again)', () => {
    const { version } = JSON.parse(readFileSync(join(engineDir, 'package.json'), 'utf8')) as { version: string };
    expect(version, 'engine.io changed: re-check RESPONSE_CLOSE_LISTENER in slim-socket.ts').toMatch(/^6\.6\./);
  });

  it('still registers the listener slimSocket removes, word for word', () => {
    const engineServer = readFileSync(join(engineDir, 'build', 'server.js'), 'utf8');
    expect(engineServer).toContain(`socket.once("close", ${RESPONSE_CLOSE_LISTENER});`);
  });
});
