import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@minitwit/db/testing';
import { type ApiUnderTest, startApiUnderTest } from './testing/api-under-test';
import { SIMULATOR_AUTH, send } from './testing/http-client';

const PATHS = [
  '/register',
  '/msgs',
  '/msgs/alice',
  '/msgs/%00',
  '/msgs/%E2%82',
  '/fllws/alice',
  '/fllws/',
  '/latest',
  '/x',
];
const QUERIES = [
  '',
  '?latest=1',
  '?latest=-5',
  '?latest=1e3',
  '?no=5',
  '?no=-1',
  '?no=%00',
  '?latest=1&latest=2',
  '?no[]=1',
];
const VALUES: unknown[] = [
  'alice',
  '',
  '\u0000',
  '\ud800',
  'x'.repeat(600),
  42,
  -1.5,
  null,
  true,
  [],
  {},
  ['alice'],
  { $ne: '' },
  '<script>',
];
const KEYS = ['username', 'email', 'pwd', 'content', 'follow', 'unfollow', '__proto__', 'constructor'];
const RAW_BODIES = ['', '{', 'null', '[]', '"str"', '{"content": "a"', '\u0000', '{"__proto__": {"x": 1}}'];

/**
 * Seeded random garbage against every route: whatever arrives, the API
 * answers with a 4xx (or a success), never a 5xx, and keeps serving.
 */
describe('hostile input', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApiUnderTest('embedded');
    await send(api.url, {
      method: 'POST',
      path: '/register',
      body: { username: 'alice', email: 'a@example.com', pwd: 'pw' },
    });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('never answers a 5xx to 400 random requests', async () => {
    // Seeded, so a failure reproduces.
    const next = seededRandom(2026);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const failures: string[] = [];
    for (let i = 0; i < 400; i++) {
      const body =
        next() < 0.3
          ? pick(RAW_BODIES)
          : Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [pick(KEYS), pick(VALUES)]));
      const call = {
        method: next() < 0.7 ? ('POST' as const) : ('GET' as const),
        path: pick(PATHS) + pick(QUERIES),
        headers: (next() < 0.8 ? { Authorization: SIMULATOR_AUTH } : {}) as Record<string, string>,
        body,
      };
      const answer = await send(api.url, call);
      if (answer.status >= 500) failures.push(`${call.method} ${call.path} ${JSON.stringify(body)} → ${answer.text}`);
      if (answer.status >= 400) {
        expect((answer.json as { error_msg?: unknown } | undefined)?.error_msg, call.path).toEqual(expect.any(String));
      }
    }
    expect(failures).toEqual([]);
    expect((await send(api.url, { method: 'GET', path: '/latest' })).status).toBe(200);
  });
});
