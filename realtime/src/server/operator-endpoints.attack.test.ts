import { type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { buildInfo } from '@minitwit/monitoring';
import { getExactly, unrefusedSpellings } from '@minitwit/monitoring/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../testing/harness';

/**
 * Issue 19, finding 1, as an attacker tries it: `/metrics` and `/healthz` in
 * every spelling on a realtime server's public port (the one the proxy
 * passes `/socket.io/` to).
 */
describe('a realtime server keeps its operator endpoints off the public port', () => {
  let database: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    database = await createTestDatabase('embedded');
    server = await startTestServer(database.db);
  });
  afterAll(async () => {
    await server?.close();
    await database?.dispose();
  });

  it('answers 404 on the public port for every spelling', async () => {
    expect(await unrefusedSpellings(server.url)).toEqual([]);
  });

  it('serves them on the internal port', async () => {
    const health = await getExactly(server.internalUrl, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', checks: { database: 'ok' }, ...buildInfo() });
    const metrics = await getExactly(server.internalUrl, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('realtime_connected_sockets');
  });
});
