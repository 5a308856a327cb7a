import { type TestDatabase, createTestDatabase, postgresUrl } from '@minitwit/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, isLive, startTestServer, waitFor, watcherPool } from '@minitwit/realtime/testing';
import { uniqueChannel } from '@minitwit/testing';
import { type WebProcess, builtWebMissing, postForm, startWebProcess } from './testing/web-process';

const redisUrl = process.env.REDIS_URL || undefined;
const missing =
  builtWebMissing() ??
  (postgresUrl ? undefined : 'DATABASE_URL is not set (the web process and this test share one database)');
if (missing) console.warn(`SKIPPED: sign out everywhere against the built web app — ${missing}`);
else if (!redisUrl) {
  console.warn(
    'SKIPPED: sign out everywhere disconnecting live sockets — REDIS_URL is not set (the web process publishes through it)',
  );
}

const PASSWORD = 'correct horse battery staple';

/** The session cookie a response sets ('' when it clears it), or undefined when it leaves it alone. */
function sessionCookie(response: Response): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const match = /^session=([^;]*)/.exec(header);
    if (match) return decodeURIComponent(match[1]!);
  }
  return undefined;
}

/**
 * Issue 19 finding 7, as an attack: a session cookie copied off a shared
 * computer (or a browser left signed in) stays good until its owner signs out
 * *there*. "Sign out everywhere" from any other browser ends it: its next
 * request is signed out and its live timeline is disconnected — on the built
 * app, as deployed, with the realtime server on the same Redis.
 */
describe.skipIf(Boolean(missing))('sign out everywhere (built web app)', () => {
  let database: TestDatabase;
  let web: WebProcess;
  let realtime: TestServer | undefined;
  const { open, stopAll } = watcherPool();

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const channel = uniqueChannel('everywhere-web');
    if (redisUrl) realtime = await startTestServer(database.db, { redis: { url: redisUrl, channel } });
    web = await startWebProcess({
      DATABASE_URL: database.url as string,
      REDIS_URL: redisUrl ?? '',
      REDIS_CHANNEL: channel,
    });
  });
  afterEach(stopAll);
  afterAll(async () => {
    await web?.stop();
    await realtime?.close();
    await database?.dispose();
  });

  const signIn = async (username: string) => {
    const answer = await postForm(web.url, '/login', { username, password: PASSWORD });
    expect(answer.status).toBe(303);
    const token = sessionCookie(answer);
    expect(token).toBeTruthy();
    return token as string;
  };
  const home = (token: string) =>
    fetch(`${web.url}/`, { redirect: 'manual', headers: { cookie: `session=${encodeURIComponent(token)}` } });
  const register = async (username: string) => {
    const answer = await postForm(web.url, '/register', {
      username,
      email: 'owner@example.com',
      password: PASSWORD,
      password2: PASSWORD,
    });
    expect(answer.status).toBe(303);
  };

  it('ends the other browser’s session: its next request is signed out and its live timeline stops', async () => {
    await register('owner');
    await register('bystander');
    const owner = await signIn('owner');
    const stolen = await signIn('owner');
    const bystander = await signIn('bystander');
    expect(stolen).not.toBe(owner);
    for (const token of [owner, stolen, bystander]) expect((await home(token)).status).toBe(200);

    const pages = realtime
      ? [owner, stolen].map((token) => open(realtime!.url, { kind: 'home' }, { sessionToken: token }))
      : [];
    const control = realtime ? open(realtime.url, { kind: 'home' }, { sessionToken: bystander }) : undefined;
    await waitFor(() => [...pages, ...(control ? [control] : [])].every((page) => isLive(page)()), 'pages live');

    // Signed in, the owner asks for it from their own browser, the way the page's form posts.
    const signedOut = await postForm(web.url, '/logout/everywhere', {}, { cookie: `session=${owner}` });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/public');
    expect(sessionCookie(signedOut)).toBe('');

    // The other browser (or whoever holds its cookie) is signed out on its next request.
    const next = await home(stolen);
    expect(next.status).toBe(303);
    expect(next.headers.get('location')).toBe('/public');
    expect(sessionCookie(next)).toBe('');
    expect((await home(owner)).status).toBe(303);
    // Another user is not touched.
    expect((await home(bystander)).status).toBe(200);
    expect(
      await database.db.sql(
        `select 1 from "sessions" s join "users" u on u."id" = s."user_id" where u."username" = 'owner'`,
      ),
    ).toEqual([]);

    if (!realtime || !control) return;
    await waitFor(
      () => pages.every((page) => page.statuses.includes('offline')),
      'both browsers’ live sockets to be disconnected',
      5_000,
    );
    await waitFor(() => pages.every((page) => page.statuses.at(-1) === 'unauthorized'), 'My Timeline to stop', 5_000);
    expect(control.statuses).not.toContain('offline');
  });

  it('asks for confirmation on GET and refuses a cross-site POST', async () => {
    await register('careful');
    const token = await signIn('careful');
    const page = await fetch(`${web.url}/logout/everywhere`, { headers: { cookie: `session=${token}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign out everywhere');
    const forged = await postForm(
      web.url,
      '/logout/everywhere',
      {},
      { cookie: `session=${token}`, origin: 'http://evil.test' },
    );
    expect(forged.status).toBe(403);
    expect((await home(token)).status).toBe(200);
  });
});
