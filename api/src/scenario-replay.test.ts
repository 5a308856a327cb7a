import { availableBackends } from '@minitwit/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario } from './scenario/generate';
import { replay } from './scenario/replay';
import { type ApiUnderTest, startApiUnderTest } from './testing/api-under-test';
import { SIMULATOR_AUTH, send } from './testing/http-client';

const scenario = generateScenario({ actions: 3_000, seed: 7 });

describe.each(availableBackends())('scenario replay on %s PostgreSQL', (backend) => {
  let server: ApiUnderTest;
  beforeAll(async () => {
    server = await startApiUnderTest(backend);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('accepts every action and reads back exactly the expected state', async () => {
    const result = await replay(server.url, scenario.actions);
    expect(result.errors.map((e) => `${e.action.kind} ${e.status} ${e.body}`)).toEqual([]);

    const read = async (path: string) =>
      (await send(server.url, { method: 'GET', path, headers: { Authorization: SIMULATOR_AUTH } })).json;
    for (const [username, texts] of scenario.expected.messages) {
      const user = encodeURIComponent(username);
      const got = (await read(`/msgs/${user}?no=10000`)) as { content: string; user: string }[];
      expect(
        got.map((m) => m.content),
        username,
      ).toEqual([...texts].reverse());
      expect(got.every((m) => m.user === username)).toBe(true);
      const follows = (await read(`/fllws/${user}?no=10000`)) as { follows: string[] };
      expect(new Set(follows.follows), username).toEqual(scenario.expected.follows.get(username));
    }
    expect(await read('/latest')).toEqual({ latest: scenario.expected.latest });
    // The scenario really is the mix it claims: a guard against a generator that degenerates.
    const kinds = new Set(scenario.actions.map((a) => a.kind));
    expect(kinds).toEqual(new Set(['register', 'post', 'follow', 'unfollow']));
  });
});
