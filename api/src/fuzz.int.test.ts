import { contentFingerprint, postgresUrl } from '@minitwit/db/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_SEED, percentEncode, rawExchange, serialise, STACK_TRACE } from '@minitwit/testing';
import { type ApiUnderTest, startApiUnderTest } from './testing/api-under-test';
import { SIMULATOR_AUTH, send } from './testing/http-client';

/** Generated requests in this file; with the web forms’ fuzz, the 10,000 the issue asks for. */
const RUNS = 5_500;

const KNOWN_USERS = ['alice', 'bob smith', 'Zoë 李 🐦'];

/** Strings a hostile client would try: markup, SQL, NUL, lone surrogates, control and RTL characters, huge ones. */
const hostileText = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_USERS), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'nul\u0000inside',
      '\ud800',
      'lone \udfff low',
      "' or 1=1 --",
      '"; drop table users; --',
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '../../etc/passwd',
      '%00',
      '\u202eevil',
      '{{7*7}}',
      '${7*7}',
      '__proto__',
      'constructor',
    ),
    weight: 3,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 3 },
  { arbitrary: fc.integer({ min: 400, max: 20_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);

/** Any JSON value in a field's place: the contract asks for strings. */
const fieldValue = fc.oneof(
  { arbitrary: hostileText, weight: 6 },
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, [], {}, ['alice'], { $ne: '' }), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
);

const edgeQueryValue = fc.oneof(
  fc.constantFrom(
    '5',
    '0',
    '100',
    '10000',
    '10001',
    '-1',
    '1e3',
    '0x10',
    '1.5',
    '',
    ' 7',
    '99999999999999999999',
    'abc',
  ),
  fc.integer({ min: -5, max: 2 ** 53 + 5 }).map(String),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const queryValue = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 500 }).map(String), weight: 3 },
  { arbitrary: edgeQueryValue, weight: 1 },
);

const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary, weight: 1 });

const query = fc
  .record({
    latest: fc.option(queryValue, { nil: undefined }),
    no: fc.option(queryValue, { nil: undefined }),
    extra: rarely(fc.constantFrom('latest=1&latest=2', 'no[]=1', 'latest[a]=1', 'no=1&no=2')),
  })
  .map(({ latest, no, extra }) => {
    const parts: string[] = [];
    if (latest !== undefined) parts.push(`latest=${percentEncode(latest)}`);
    if (no !== undefined) parts.push(`no=${percentEncode(no)}`);
    if (extra !== undefined) parts.push(extra);
    return parts.length ? `?${parts.join('&')}` : '';
  });

/** A username path segment: known, unknown, hostile, or not valid percent-encoding at all. */
const userSegment = fc.oneof(
  hostileText.map(percentEncode),
  fc.constantFrom('%E2%82', '%', '%zz', '%00', '..', '.', '%2F', 'a/b'),
);

/** The right shape with hostile values: what gets past parsing to the domain's own checks. */
const wellFormedBody = fc
  .oneof(
    fc.record({
      username: hostileText,
      email: fc.oneof(hostileText, fc.constantFrom('a@b.c', ' Ann@Example.org ', 'no-at-sign')),
      pwd: hostileText,
    }),
    fc.record({ content: hostileText }),
    fc.record({ follow: hostileText }),
    fc.record({ unfollow: hostileText }),
  )
  .map((value) => JSON.stringify(value));

const body = fc.oneof(
  { arbitrary: wellFormedBody, weight: 6 },
  {
    arbitrary: fc
      .dictionary(
        fc.constantFrom('username', 'email', 'pwd', 'content', 'follow', 'unfollow', '__proto__', 'x'),
        fieldValue,
        { maxKeys: 4 },
      )
      .map((value) => JSON.stringify(value)),
    weight: 6,
  },
  { arbitrary: fieldValue.map((value) => JSON.stringify(value) ?? ''), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '',
      '{',
      '{"content": "a"',
      'null',
      '[]',
      '"str"',
      '{"__proto__": {"x": 1}}',
      '\u0000',
      '{"content": "\\ud800"}',
      '{"content": "a\\u0000b"}',
    ),
    weight: 2,
  },
  {
    arbitrary: fc.integer({ min: 17_000, max: 300_000 }).map((n) => JSON.stringify({ content: 'y'.repeat(n) })),
    weight: 1,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
);

const route = fc.oneof(
  fc.constant({ method: 'POST', path: '/register' }),
  fc.constant({ method: 'GET', path: '/msgs' }),
  userSegment.map((user) => ({ method: 'GET', path: `/msgs/${user}` })),
  userSegment.map((user) => ({ method: 'POST', path: `/msgs/${user}` })),
  userSegment.map((user) => ({ method: 'GET', path: `/fllws/${user}` })),
  userSegment.map((user) => ({ method: 'POST', path: `/fllws/${user}` })),
  fc.constant({ method: 'GET', path: '/latest' }),
  fc.record({
    method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'GET', 'POST'),
    path: fc.constantFrom('/', '/msgs', '/register', '/latest', '/fllws', '/nothing', '/msgs/alice/x', '//msgs'),
  }),
);

const auth = fc.oneof(
  { arbitrary: fc.constant(SIMULATOR_AUTH), weight: 6 },
  { arbitrary: fc.constant(undefined), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      'Basic',
      'Basic c2ltdWxhdG9yOndyb25n',
      'Bearer x',
      `${SIMULATOR_AUTH} `,
      'basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh',
    ),
    weight: 1,
  },
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'application/json; charset=bogus',
  undefined,
);

const request = fc.record({
  route,
  query,
  auth,
  contentType,
  body: fc.option(body, { freq: 4, nil: undefined }),
  gzip: rarely(fc.constant(['Content-Encoding', 'gzip'])),
});

/**
 * Property-based fuzz of every simulator API endpoint (issue 11 item 6):
 * whatever arrives, the answer is never a 5xx, never a stack trace, a
 * refusal is the contract's JSON `error_msg`, and a refused request leaves
 * users, messages, follows and sessions exactly as they were.
 */
describe('simulator API under property-based fuzz', () => {
  let api: ApiUnderTest;
  const port = () => Number(new URL(api.url).port);

  beforeAll(async () => {
    api = await startApiUnderTest(postgresUrl ? 'postgres' : 'embedded');
    for (const username of KNOWN_USERS) {
      const registered = await send(api.url, {
        method: 'POST',
        path: '/register',
        body: { username, email: `${username.length}@example.com`, pwd: 'pw' },
      });
      expect(registered.status).toBe(204);
    }
  });
  afterAll(async () => {
    await api?.stop();
  });

  it(
    `answers ${RUNS} generated requests with no 5xx, no stack trace, and refusals that change nothing`,
    { timeout: 600_000 },
    async () => {
      const statuses = new Map<number, number>();
      // What the data looked like after the previous request: one fingerprint per request.
      let current = await contentFingerprint(api.database.db);
      await fc.assert(
        fc.asyncProperty(request, async (input) => {
          const target = `${input.route.path}${input.query}`;
          const headers: Array<[string, string]> = [];
          if (input.auth !== undefined) headers.push(['Authorization', input.auth]);
          if (input.contentType !== undefined && input.body !== undefined)
            headers.push(['Content-Type', input.contentType]);
          if (input.gzip && input.body !== undefined) headers.push(input.gzip as [string, string]);
          const answer = await rawExchange(
            port(),
            serialise({ method: input.route.method, target, headers, body: input.body }),
          );
          const what = `${input.route.method} ${target.slice(0, 100)} ${String(input.body).slice(0, 100)}`;
          statuses.set(answer.status ?? 0, (statuses.get(answer.status ?? 0) ?? 0) + 1);
          expect(answer.timedOut, what).toBe(false);
          expect(answer.status, what).not.toBeNull();
          expect(answer.status!, what).toBeLessThan(500);
          expect(answer.body, what).not.toMatch(STACK_TRACE);
          if (answer.status! >= 400) {
            // Node itself answers a request line or headers over its 16 KB limit (431), before the app sees it.
            if (answer.status !== 431 && input.route.method !== 'HEAD') {
              const error = (JSON.parse(answer.body) as { error_msg?: unknown }).error_msg;
              expect(typeof error, what).toBe('string');
            }
          }
          const after = await contentFingerprint(api.database.db);
          if (answer.status! >= 400) expect(after, `${what} was refused but changed the data`).toBe(current);
          current = after;
        }),
        { seed: FUZZ_SEED, numRuns: RUNS, endOnFailure: true },
      );
      const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
      expect(total).toBe(RUNS);
      console.warn(
        `API fuzz: ${total} requests (seed ${FUZZ_SEED}), statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      // Still serving, and the fuzz reached past the front door: some requests were accepted.
      expect((await send(api.url, { method: 'GET', path: '/latest' })).status).toBe(200);
      expect(statuses.get(204) ?? 0).toBeGreaterThan(0);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    },
  );

  it('accepts an e-mail with surrounding spaces and capitals, stored trimmed (issue 11 item 10)', async () => {
    const answer = await send(api.url, {
      method: 'POST',
      path: '/register',
      // The fuzz above spent this address's allowance for calls without credentials.
      headers: { Authorization: SIMULATOR_AUTH },
      body: { username: 'ann trimmed', email: ' Ann@Example.org ', pwd: 'pw' },
    });
    expect(answer.status).toBe(204);
    const user = await api.database.db.users.findByUsername('ann trimmed');
    expect(user?.email).toBe('Ann@Example.org');
  });
});
