import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_TRACE } from '@minitwit/testing';
import { SECURITY_HEADERS } from './lib/security-headers';
import { builtWebMissing, startWebOnOwnDatabase } from './testing/web-process';

const missing = builtWebMissing();
if (missing) console.warn(`SKIPPED: security headers of the built web app — ${missing}`);

/** One of the built app's hashed static files, as a browser fetches it. */
function someStaticAsset(): string {
  const dir = new URL('../build/client/_app/immutable/entry', import.meta.url).pathname;
  const file = readdirSync(dir).find((name) => name.endsWith('.js'));
  if (!file) throw new Error('no built entry chunk');
  return `/_app/immutable/entry/${file}`;
}

/**
 * Issue 11 item 9: the production server (`npm start -w web`) puts the
 * security headers on every answer — static files and error pages too —
 * and names no framework or version, and shows no debug output.
 */
describe.skipIf(Boolean(missing))('security headers of the built web app', () => {
  let web: Awaited<ReturnType<typeof startWebOnOwnDatabase>>;

  beforeAll(async () => {
    web = await startWebOnOwnDatabase('minitwit-headers-');
  });
  afterAll(async () => {
    await web?.dispose();
  });

  const cases: Array<[string, () => Promise<Response>, number]> = [
    ['a page', () => fetch(`${web.url}/public`), 200],
    ['a static file under /_app/', () => fetch(`${web.url}${someStaticAsset()}`), 200],
    ['the favicon', () => fetch(`${web.url}/favicon.svg`), 200],
    ['a missing static file', () => fetch(`${web.url}/_app/immutable/entry/nothing.js`), 404],
    ['the 404 page of an unknown user', () => fetch(`${web.url}/nobody%20here`), 404],
    ['the 400 page of a bad cursor', () => fetch(`${web.url}/public?before=%00%00`), 400],
    [
      'a form that is not a form',
      () =>
        fetch(`${web.url}/login`, {
          method: 'POST',
          headers: { origin: web.url, accept: 'text/html', 'content-type': 'text/plain' },
          body: 'username=x',
        }),
      400,
    ],
    [
      'a refused cross-site post',
      () =>
        fetch(`${web.url}/login`, {
          method: 'POST',
          headers: { origin: 'http://evil.test', 'content-type': 'application/x-www-form-urlencoded' },
          body: 'username=x',
        }),
      403,
    ],
    ['a method no route takes', () => fetch(`${web.url}/public`, { method: 'DELETE' }), 405],
    ['an operator path, refused on the public port', () => fetch(`${web.url}/metrics/__data.json`), 404],
  ];

  it.each(cases)('%s carries the security headers and no version', async (_what, request, status) => {
    const response = await request();
    expect(response.status).toBe(status);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('server')).toBeNull();
    expect(await response.text()).not.toMatch(STACK_TRACE);
  });
});
