import { getExactly, unrefusedSpellings } from '@minitwit/monitoring/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiUnderTest, startApiUnderTest } from './testing/api-under-test';
import { SIMULATOR_AUTH, send } from './testing/http-client';

/**
 * Issue 19, finding 1, as an attacker tries it: `/metrics` and `/healthz` in
 * every spelling on the API's public port, and a burst of scrapes to make the
 * database count every table.
 */
describe('the API keeps its operator endpoints off the public port', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApiUnderTest('embedded', undefined, {}, { countsMaxAgeMs: 60_000 });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('answers 404 on the public port for every spelling, with and without the simulator credential', async () => {
    expect(await unrefusedSpellings(api.url)).toEqual([]);
    expect(await unrefusedSpellings(api.url, { Authorization: SIMULATOR_AUTH })).toEqual([]);
  });

  it('serves them on the internal port', async () => {
    const health = await getExactly(api.internalUrl, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
    const metrics = await getExactly(api.internalUrl, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('minitwit_entities{kind="users",service="api"}');
  });

  it('counts the tables at most once per interval, however many scrapes arrive', async () => {
    const counts = vi.spyOn(api.database.db.stats, 'counts');
    const scrapes = await Promise.all(Array.from({ length: 20 }, () => getExactly(api.internalUrl, '/metrics')));
    for (let i = 0; i < 20; i++) scrapes.push(await getExactly(api.internalUrl, '/metrics'));
    expect(scrapes.every((answer) => answer.status === 200)).toBe(true);
    expect(counts.mock.calls.length).toBeLessThanOrEqual(1);
    // A write meanwhile shows at the next count, not before: the figures are up to an interval old.
    await send(api.url, {
      method: 'POST',
      path: '/register',
      headers: { Authorization: SIMULATOR_AUTH },
      body: { username: 'counted', email: 'counted@example.com', pwd: 'x' },
    });
    const after = await getExactly(api.internalUrl, '/metrics');
    expect(after.body).toMatch(/minitwit_entities\{kind="users",service="api"\} 0/);
    expect(counts.mock.calls.length).toBeLessThanOrEqual(1);
    counts.mockRestore();
  });
});
