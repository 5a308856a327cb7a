import { randomBytes } from 'node:crypto';
import { type TestDatabase, contentFingerprint, createTestDatabase, postgresUrl } from '@minitwit/db/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_SEED, percentEncode, rawExchange, serialise, STACK_TRACE } from '@minitwit/testing';
import { type WebProcess, builtWebMissing, startWebProcess } from './testing/web-process';

/** Generated requests in this file; with the API's fuzz (5,500), the 10,000 the issue asks for. */
const RUNS = 4_500;

const missing =
  builtWebMissing() ?? (postgresUrl ? undefined : 'DATABASE_URL is not set (the test reads the app’s database)');
if (missing) console.warn(`SKIPPED: web form actions under property-based fuzz — ${missing}`);

const USERS = ['ann', 'bob b', 'Zoë 李 🐦'];

const hostileText = fc.oneof(
  { arbitrary: fc.constantFrom(...USERS), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      "' or 1=1 --",
      '"; drop table users; --',
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      '../../etc/passwd',
      '\u202eevil',
      '{{7*7}}',
      '__proto__',
      'a@b.c',
      ' Ann@Example.org ',
      'secret-password',
    ),
    weight: 3,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 3 },
  { arbitrary: fc.integer({ min: 400, max: 20_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);

const fields = fc.dictionary(
  fc.constantFrom('username', 'email', 'password', 'password2', 'text', 'x', '__proto__'),
  hostileText,
  { maxKeys: 5 },
);

/** Every form action and page of the app, plus a few that do not exist. */
const route = fc.oneof(
  fc.constantFrom(
    { method: 'POST', path: '/register' },
    { method: 'POST', path: '/login' },
    { method: 'POST', path: '/logout' },
    { method: 'POST', path: '/?/post' },
    { method: 'POST', path: '/?/nope' },
    { method: 'POST', path: '/public' },
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/public' },
    { method: 'GET', path: '/login' },
    { method: 'GET', path: '/register' },
    { method: 'GET', path: '/logout' },
    { method: 'PUT', path: '/login' },
    { method: 'DELETE', path: '/' },
  ),
  fc
    .tuple(hostileText.map(percentEncode), fc.constantFrom('?/follow', '?/unfollow', '', '?/post'))
    .map(([user, action]) => ({ method: action ? 'POST' : 'GET', path: `/${user}${action}` })),
);

const pageQuery = fc.oneof(
  fc.constant(''),
  fc.constantFrom('before=', 'before=abc', 'before=MTIz', 'before=%00', 'before=' + 'A'.repeat(3_000), 'before=-1_-1'),
  fc.string({ unit: 'binary', maxLength: 30 }).map((value) => `before=${percentEncode(value)}`),
);

const encoding = fc.constantFrom('urlencoded', 'urlencoded', 'multipart', 'json', 'text', 'garbage');

/** Serialises fields the way the chosen encoding would (or would not) carry them. */
function encodeBody(kind: string, values: Record<string, string>): { type?: string; body: string } {
  switch (kind) {
    case 'urlencoded':
      return {
        type: 'application/x-www-form-urlencoded',
        body: Object.entries(values)
          .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
          .join('&'),
      };
    case 'multipart': {
      const boundary = 'fuzzboundary';
      const parts = Object.entries(values).map(
        ([key, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`,
      );
      return { type: `multipart/form-data; boundary=${boundary}`, body: `${parts.join('')}--${boundary}--\r\n` };
    }
    case 'json':
      return { type: 'application/json', body: JSON.stringify(values) };
    case 'text':
      return { type: 'text/plain', body: Object.values(values).join('\n') };
    default:
      return { type: 'application/x-www-form-urlencoded', body: '%%%&&==%zz\u0000' };
  }
}

/**
 * Property-based fuzz of every web form action and page (issue 11 item 6),
 * against the built app: no 5xx, no stack trace, and a refused request (an
 * error status, or a signed-out write sent to sign in) changes nothing in
 * the database.
 */
describe.skipIf(Boolean(missing))('web form actions under property-based fuzz', () => {
  let database: TestDatabase;
  let web: WebProcess;
  const sessions: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    for (const username of USERS) {
      const user = await database.db.users.register({
        username,
        email: `${username.length}@example.com`,
        password: 'pw',
      });
      for (let i = 0; i < 3; i++) sessions.push(await database.db.sessions.create(user.id, 3_600_000));
    }
    web = await startWebProcess({
      DATABASE_URL: database.url as string,
      REDIS_URL: '',
      REGISTRATIONS_PER_ADDRESS_PER_HOUR: '1000000',
      // Spreads the fuzz over many client addresses, so the per-address limits do not stop it early.
      ADDRESS_HEADER: 'x-forwarded-for',
      LOG_LEVEL: 'error',
    });
  });
  afterAll(async () => {
    await web?.stop();
    await database?.dispose();
  });

  it(
    `answers ${RUNS} generated requests with no 5xx, no stack trace, and refusals that change nothing`,
    { timeout: 600_000 },
    async () => {
      const port = Number(new URL(web.url).port);
      const request = fc.record({
        route,
        query: pageQuery,
        fields,
        encoding,
        session: fc.oneof(
          { arbitrary: fc.constantFrom(...sessions), weight: 4 },
          { arbitrary: fc.constantFrom(undefined, 'bogus', '', '\u0000', 'a'.repeat(5_000)), weight: 2 },
        ),
        flash: fc.option(fc.constantFrom('[1,2', '%5B%22x%22%5D', '{"__proto__":1}', 'x'.repeat(3_000)), {
          nil: undefined,
        }),
        origin: fc.oneof(
          { arbitrary: fc.constant(web.url), weight: 8 },
          { arbitrary: fc.constantFrom(undefined, 'http://evil.test', 'null', `${web.url}.evil.test`), weight: 1 },
        ),
        accept: fc.constantFrom('text/html', 'text/html', 'application/json', undefined),
        address: fc.oneof(
          fc.ipV4(),
          fc.ipV6(),
          fc.constantFrom('', 'not an address', '1.2.3.4, 5.6.7.8', '\u0000', 'x'.repeat(1_000)),
        ),
      });

      const statuses = new Map<number, number>();
      let current = await contentFingerprint(database.db);
      await fc.assert(
        fc.asyncProperty(request, async (input) => {
          const target = input.query
            ? `${input.route.path}${input.route.path.includes('?') ? '&' : '?'}${input.query}`
            : input.route.path;
          const headers: Array<[string, string]> = [['X-Forwarded-For', input.address.replace(/[\r\n]/g, '')]];
          if (input.origin !== undefined) headers.push(['Origin', input.origin]);
          if (input.accept !== undefined) headers.push(['Accept', input.accept]);
          const cookies = [];
          if (input.session !== undefined) cookies.push(`session=${percentEncode(input.session)}`);
          if (input.flash !== undefined) cookies.push(`minitwit_flash=${input.flash}`);
          if (cookies.length) headers.push(['Cookie', cookies.join('; ')]);
          let body: string | undefined;
          if (input.route.method === 'POST') {
            const encoded = encodeBody(input.encoding, input.fields);
            if (encoded.type) headers.push(['Content-Type', encoded.type]);
            body = encoded.body;
          }
          const answer = await rawExchange(
            port,
            serialise({ method: input.route.method, target, headers, body }),
            10_000,
          );
          const what = `${input.route.method} ${target.slice(0, 100)} ${String(body).slice(0, 100)}`;
          statuses.set(answer.status ?? 0, (statuses.get(answer.status ?? 0) ?? 0) + 1);
          expect(answer.timedOut, what).toBe(false);
          expect(answer.status, what).not.toBeNull();
          expect(answer.status!, what).toBeLessThan(500);
          expect(answer.body, what).not.toMatch(STACK_TRACE);

          const location = /^location: *(.*)$/im.exec(answer.head)?.[1]?.trim();
          const sentToSignIn = location === '/login' && input.route.path !== '/register';
          const after = await contentFingerprint(database.db);
          if (answer.status! >= 400 || sentToSignIn) {
            expect(after, `${what} was refused (${answer.status}) but changed the data`).toBe(current);
          }
          current = after;
        }),
        { seed: FUZZ_SEED, numRuns: RUNS, endOnFailure: true },
      );
      const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
      expect(total).toBe(RUNS);
      console.warn(
        `web forms fuzz: ${total} requests (seed ${FUZZ_SEED}), statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      // The fuzz reached past the front door: pages rendered, and some actions went through.
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
      expect(statuses.get(303) ?? 0).toBeGreaterThan(0);
      expect(web.child.exitCode).toBeNull();
    },
  );

  it('accepts an e-mail with surrounding spaces and capitals at registration, stored trimmed (issue 11 item 10)', async () => {
    const username = `ann ${randomBytes(3).toString('hex')}`;
    const answer = await fetch(`${web.url}/register`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: web.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, email: ' Ann@Example.org ', password: 'pw', password2: 'pw' }).toString(),
    });
    expect(answer.status).toBe(303);
    expect((await database.db.users.findByUsername(username))?.email).toBe('Ann@Example.org');
  });
});
