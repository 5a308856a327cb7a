import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestDatabase, createTestDatabase, postgresUrl } from '@minitwit/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebProcess, builtWebMissing, postForm, startWebProcess } from './testing/web-process';

const missing = builtWebMissing();
if (missing) console.warn(`SKIPPED: usernames and messages under attack in the web app — ${missing}`);

const PASSWORD = 'correct horse battery staple';
/** Svelte escapes only `&` and `<` in text, so the error reads as written. */
const shownError = (text: string) => `<strong>Error:</strong> ${text}`;

/**
 * Issue 19 finding 8 through the built web app's forms, as a browser sends
 * them: route names and look-alike names refused on the register form with
 * its error line, the other Unicode spelling of a name signing in to and
 * showing the same user, and a post of invisible characters refused as empty.
 */
describe.skipIf(Boolean(missing))('usernames and messages under attack in the web app', () => {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let web: WebProcess;

  const register = (username: string) =>
    postForm(web.url, '/register', { username, email: 'x@example.com', password: PASSWORD, password2: PASSWORD });

  /** Signs in and returns the session cookie to send. */
  async function signIn(username: string): Promise<string> {
    const answer = await postForm(web.url, '/login', { username, password: PASSWORD });
    expect(answer.status, await answer.clone().text()).toBe(303);
    const session = answer.headers.getSetCookie().find((cookie) => cookie.startsWith('session='));
    return (session ?? '').split(';')[0] as string;
  }

  beforeAll(async () => {
    if (postgresUrl) database = await createTestDatabase('postgres');
    else dataDir = await mkdtemp(join(tmpdir(), 'minitwit-usernames-'));
    web = await startWebProcess({
      DATABASE_URL: database?.url ?? '',
      DATA_DIR: dataDir ?? '',
      REDIS_URL: '',
      REGISTRATIONS_PER_ADDRESS_PER_HOUR: '1000000',
    });
    expect((await register('alice')).status).toBe(303);
  });
  afterAll(async () => {
    await web?.stop();
    await database?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it.each(['public', 'metrics', 'login', 'logout', 'register', '..', 'favicon.svg', 'Public'])(
    'refuses the route name %j on the register form',
    async (username) => {
      const answer = await register(username);
      expect(answer.status).toBe(400);
      expect(await answer.text()).toContain(shownError('The username is reserved'));
      // `/Public` is not a route: it would have been this user's page.
      if (username === 'Public') expect((await fetch(`${web.url}/Public`)).status).toBe(404);
    },
  );

  it.each(['alice\u200b', '\u200balice', 'ali\u200dce', '\u202ealice', 'alice\u00a0x', 'alice\u3164'])(
    'refuses the look-alike %j on the register form',
    async (username) => {
      const answer = await register(username);
      expect(answer.status).toBe(400);
      expect(await answer.text()).toContain(shownError('The username may not contain invisible or control characters'));
      expect((await fetch(`${web.url}/${encodeURIComponent(username)}`)).status).toBe(404);
    },
  );

  it('reads a name of zero-width characters as no name', async () => {
    const answer = await register('\u200b\u200c\u200d');
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain(shownError('You have to enter a username'));
  });

  it('signs in and shows the same user under either Unicode spelling of the name', async () => {
    const decomposed = 'Jose\u0301 n\u0303';
    const composed = 'José ñ';
    expect((await register(decomposed)).status).toBe(303);
    const twin = await register(composed);
    expect(twin.status).toBe(400);
    expect(await twin.text()).toContain(shownError('The username is already taken'));

    const session = await signIn(composed);
    await signIn(decomposed);
    const home = await (await fetch(`${web.url}/`, { headers: { cookie: session } })).text();
    expect(home).toContain(`What's on your mind ${composed}?`);
    for (const spelling of [composed, decomposed]) {
      const page = await fetch(`${web.url}/${encodeURIComponent(spelling)}`, { headers: { cookie: session } });
      expect(page.status, spelling).toBe(200);
      expect(await page.text()).toContain('This is you!');
    }
  });

  it.each([
    ['\u200b', 'a zero-width space'],
    ['\u200b\u200c\u200d\u2060\ufeff', 'only zero-width characters'],
    ['\u0301\u0302\u0303', 'only combining marks'],
    [' \u200b \u202e\n', 'spaces around format characters'],
  ])('refuses the post %j (%s) as empty and stores nothing', async (text) => {
    const session = await signIn('alice');
    const answer = await postForm(web.url, '/?/post', { text }, { cookie: session });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain(shownError('The message may not be empty'));
    expect(await (await fetch(`${web.url}/alice`)).text()).toContain("There's no message so far.");
  });
});
