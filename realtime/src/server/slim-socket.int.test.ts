import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@minitwit/db/testing';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SubscribeReply } from '../contract';
import { type TestServer, createUser, startTestServer, waitFor } from '../testing/harness';

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
  expect(listeners).not.toContain('() => this.emit("close")');
});

it('still finds the listener engine.io keeps the request with (a new engine.io must be looked at again)', () => {
  const require = createRequire(import.meta.url);
  const engineServer = readFileSync(join(dirname(require.resolve('engine.io')), 'server.js'), 'utf8');
  expect(engineServer).toContain('socket.once("close", () => this.emit("close"));');
});
