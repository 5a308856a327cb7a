import { buildInfo } from '@minitwit/monitoring';
import { getExactly, unrefusedSpellings } from '@minitwit/monitoring/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtWebMissing, startWebOnOwnDatabase } from './testing/web-process';

const missing = builtWebMissing();
if (missing) console.warn(`SKIPPED: the web app's operator endpoints — ${missing}`);

/**
 * Issue 19, finding 1, as an attacker tries it against the production build:
 * `/metrics` and `/healthz` in every spelling on the public port — among
 * them `/metrics/__data.json`, which SvelteKit strips to `/metrics` before
 * the hook sees it (that answered 200 with the metrics) and `/metrics/`,
 * which SvelteKit would redirect.
 */
describe.skipIf(Boolean(missing))('the web app keeps its operator endpoints off the public port', () => {
  let web: Awaited<ReturnType<typeof startWebOnOwnDatabase>>;

  beforeAll(async () => {
    web = await startWebOnOwnDatabase('minitwit-operator-');
  });
  afterAll(async () => {
    await web?.dispose();
  });

  it('answers 404 on the public port for every spelling, signed out or with a cookie', async () => {
    expect(await unrefusedSpellings(web.url)).toEqual([]);
    expect(await unrefusedSpellings(web.url, { Cookie: 'session=whatever', Accept: 'application/json' })).toEqual([]);
  });

  it('serves them on the internal port', async () => {
    const health = await getExactly(web.internalUrl, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', checks: { database: 'ok' }, ...buildInfo() });
    const metrics = await getExactly(web.internalUrl, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('http_requests_total');
  });
});
