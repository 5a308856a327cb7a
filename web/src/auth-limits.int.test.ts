import { randomBytes } from 'node:crypto';
import { type TestDatabase, createTestDatabase, postgresUrl } from '@minitwit/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebProcess, builtWebMissing, postForm, startWebProcess } from './testing/web-process';

const redisUrl = process.env.REDIS_URL || undefined;
const missing =
  builtWebMissing() ?? (postgresUrl ? undefined : 'DATABASE_URL is not set (two replicas need one database)');
if (missing) console.warn(`SKIPPED: sign-in limits across two web processes — ${missing}`);

const stores = [
  { name: 'Redis, shared by both', redis: true },
  { name: 'the database alone', redis: false },
].filter((store) => {
  if (!store.redis || redisUrl) return true;
  console.warn('SKIPPED: sign-in limits across two web processes on Redis — REDIS_URL is not set');
  return false;
});

const PASSWORD = 'correct horse battery staple';

/** Two replicas of the built web app on one database (and one Redis): the limits are theirs together. */
describe.skipIf(Boolean(missing)).each(stores)(
  'sign-in and sign-up limits across two web processes ($name)',
  (store) => {
    let database: TestDatabase;
    let replicas: WebProcess[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('postgres');
      const env = {
        DATABASE_URL: database.url as string,
        REDIS_URL: store.redis ? (redisUrl as string) : '',
        REDIS_CHANNEL: `minitwit-test-limits-${randomBytes(4).toString('hex')}`,
        REGISTRATIONS_PER_ADDRESS_PER_HOUR: '6',
      };
      replicas = await Promise.all([startWebProcess(env), startWebProcess(env)]);
    });
    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await database?.dispose();
    });

    it('refuses an account after ten failed sign-ins spread over both, with Retry-After', async () => {
      const [one, two] = replicas as [WebProcess, WebProcess];
      const username = `target ${randomBytes(3).toString('hex')}`;
      const registered = await postForm(one.url, '/register', {
        username,
        email: 'target@example.com',
        password: PASSWORD,
        password2: PASSWORD,
      });
      expect(registered.status).toBe(303);
      // Signing up signs in (issue 22, item 9): that one session is the only one there may be.
      const signUpSessions = await database.db.sql(`select 1 from "sessions"`);
      expect(signUpSessions).toHaveLength(1);

      for (let attempt = 0; attempt < 10; attempt++) {
        const replica = attempt % 2 === 0 ? one : two;
        const answer = await postForm(replica.url, '/login', { username, password: `guess ${attempt}` });
        expect(answer.status, `attempt ${attempt}`).toBe(400);
      }
      for (const replica of [one, two]) {
        // Even the right password: the account is locked everywhere.
        const refused = await postForm(replica.url, '/login', { username, password: PASSWORD });
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(200);
        expect(await refused.text()).toContain('Too many attempts');
      }
      // Nothing of the attempts is a session.
      expect(await database.db.sql(`select 1 from "sessions"`)).toEqual(signUpSessions);
    });

    it('refuses sign-ups from one address past its allowance, counted on both', async () => {
      const [one, two] = replicas as [WebProcess, WebProcess];
      // The allowance is 6 per address and hour; the first test used one.
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 6; attempt++) {
        const replica = attempt % 2 === 0 ? two : one;
        const answer = await postForm(replica.url, '/register', {
          username: `signup ${attempt} ${randomBytes(3).toString('hex')}`,
          email: `s${attempt}@example.com`,
          password: PASSWORD,
          password2: PASSWORD,
        });
        statuses.push(answer.status);
        if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
      const users = await database.db.sql<{ n: string }>(
        `select count(*) as n from "users" where "username" like 'signup %'`,
      );
      expect(Number(users[0]?.n)).toBe(5);
    });
  },
);
