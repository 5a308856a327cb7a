import { availableBackends } from '@minitwit/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUnderTest, startApiUnderTest } from './testing/api-under-test';
import { SIMULATOR_AUTH, send } from './testing/http-client';

const auth = { Authorization: SIMULATOR_AUTH };
const enc = encodeURIComponent;

/**
 * Issue 19 finding 8, as an attacker tries it through the simulator API:
 * names that are the site's own paths, names that pass for another user's
 * (hidden characters, another Unicode spelling) and messages that show
 * nothing. The credential is sent on /register so the per-address limit on
 * anonymous sign-ups is not what refuses them.
 */
describe.each(availableBackends())('usernames and messages under attack on %s PostgreSQL', (backend) => {
  let api: ApiUnderTest;
  const post = (path: string, body: unknown) => send(api.url, { method: 'POST', path, body, headers: auth });
  const get = (path: string) => send(api.url, { method: 'GET', path, headers: auth });
  const register = (username: string) => post('/register', { username, email: 'x@example.com', pwd: 'secret' });
  const userCount = async () => (await api.database.db.sql(`select 1 from "users"`)).length;
  const messageCount = async () => (await api.database.db.sql(`select 1 from "messages"`)).length;

  beforeAll(async () => {
    api = await startApiUnderTest(backend);
    expect((await register('alice')).status).toBe(204);
  });
  afterAll(async () => {
    await api?.stop();
  });

  it.each(['public', 'metrics', 'login', 'register', 'msgs', 'fllws', 'latest', '..', '.', 'Public', 'ＬＯＧＩＮ'])(
    'refuses the route name %j as a username',
    async (username) => {
      const before = await userCount();
      const answer = await register(username);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ status: 400, error_msg: 'The username is reserved' });
      expect(await userCount()).toBe(before);
    },
  );

  it.each([
    ['alice\u200b', 'zero-width space'],
    ['ali\u200dce', 'zero-width joiner'],
    ['\u202ealice', 'right-to-left override'],
    ['alice\u2066', 'bidi isolate'],
    ['alice\u00ad', 'soft hyphen'],
    ['alice\ufeff', 'byte order mark'],
    ['alice\u3164', 'Hangul filler'],
    ['alice\u00a0b', 'no-break space'],
    ['alice\tb', 'tab'],
    ['alice\ufe0f', 'variation selector on a letter'],
  ])('refuses %j (%s) as a look-alike username', async (username) => {
    const before = await userCount();
    const answer = await register(username);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      status: 400,
      error_msg: 'The username may not contain invisible or control characters',
    });
    expect(await userCount()).toBe(before);
  });

  it.each(['alice ', ' alice', 'bob  b'])('refuses %j, which a page shows as another name', async (username) => {
    const answer = await register(username);
    expect(answer.status).toBe(400);
    expect((answer.json as { error_msg: string }).error_msg).toMatch(/may not start or end with a space/);
  });

  it.each(['\u200b', '\u200b\u200d\u2060', '\u0301\u0301', '\u3164'])(
    'reads the invisible username %j as a missing one',
    async (username) => {
      const answer = await register(username);
      expect(answer.json).toEqual({ status: 400, error_msg: 'You have to enter a username' });
    },
  );

  it('stores one spelling of a name: the other Unicode spelling is the same user, not a second one', async () => {
    const decomposed = 'Zoe\u0308 n\u0303';
    const composed = 'Zoë ñ';
    expect((await register(decomposed)).status).toBe(204);
    expect((await register(composed)).json).toEqual({ status: 400, error_msg: 'The username is already taken' });
    const [row] = await api.database.db.sql<{ username: string }>(
      `select "username" from "users" where "username" like 'Zo%'`,
    );
    expect(row?.username).toBe(composed);

    expect((await post(`/msgs/${enc(decomposed)}`, { content: 'by either name' })).status).toBe(204);
    for (const spelling of [composed, decomposed]) {
      const messages = (await get(`/msgs/${enc(spelling)}`)).json as { content: string; user: string }[];
      expect(messages).toEqual([expect.objectContaining({ content: 'by either name', user: composed })]);
    }
    expect((await post(`/fllws/alice`, { follow: decomposed })).status).toBe(204);
    expect((await get('/fllws/alice')).json).toEqual({ follows: [composed] });
    expect((await post(`/fllws/${enc(decomposed)}`, { follow: 'alice' })).status).toBe(204);
    expect((await get(`/fllws/${enc(composed)}`)).json).toEqual({ follows: ['alice'] });
  });

  it.each([
    ['\u200b', 'a zero-width space'],
    ['\u200b\u200c\u200d\u2060\ufeff', 'only zero-width characters'],
    ['\u0301\u0302\u0303', 'only combining marks'],
    [' \u200b \u202e ', 'spaces around format characters'],
    ['\u3164\u2800', 'a Hangul filler and a blank Braille pattern'],
  ])('refuses the message %j (%s) as empty and stores nothing', async (content) => {
    const before = await messageCount();
    const answer = await post('/msgs/alice', { content });
    expect(answer.json).toEqual({ status: 400, error_msg: 'The message may not be empty' });
    expect(await messageCount()).toBe(before);
  });

  it('still takes a message with something visible in it', async () => {
    expect((await post('/msgs/alice', { content: 'e\u0301 \u200b🐦' })).status).toBe(204);
  });
});
