import { randomBytes } from 'node:crypto';
import { SIMULATOR_AUTH, send } from '@minitwit/api/testing/http-client';
import { type TestDatabase, createTestDatabase } from '@minitwit/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Balancer, startBalancer } from './support/balancer';
import {
  type LivePage,
  comparePage,
  expectedIdsOfAll,
  isLive,
  openPage,
  totals,
  waitUntil,
} from './support/live-pages';
import { type ServiceProcess, startService, webEnv } from './support/service-process';
import { skipFaultScenario } from './support/skip';
import { webPost } from './support/web-client';
import { type WriteRecord, concurrentWriters, postMessage, statusSummary, storedTexts } from './support/writers';

const skip = skipFaultScenario('SIGTERM-under-load fault scenarios', { build: true });

const WRITERS = 50;

/** A request that never reached a server that had stopped listening: the clean refusal. */
const refused = (record: WriteRecord) => record.status === 0 && /ECONNREFUSED/.test(record.error ?? '');
/** Connection reset before any answer: it was waiting to be accepted when the port closed. */
const reset = (record: WriteRecord) => record.status === 0 && /ECONNRESET|socket hang up/.test(record.error ?? '');

/**
 * The verdict on one shutdown, Jepsen style. Every acknowledged write is
 * stored; every request without an answer was refused or reset before it
 * was processed — none of them is stored, i.e. no request the server started
 * was cut off — and nothing else happened (no 5xx, no hang).
 */
async function judge(
  records: WriteRecord[],
  acknowledgedStatus: number,
  sql: TestDatabase['db']['sql'],
  signalledAt: number,
) {
  const acknowledged = records.filter((record) => record.status === acknowledgedStatus);
  const unanswered = records.filter((record) => refused(record) || reset(record));
  const stored = await storedTexts(
    sql,
    [...acknowledged, ...unanswered].map((record) => record.text),
  );
  return {
    acknowledged: acknowledged.length,
    lost: acknowledged.filter((record) => !stored.has(record.text)).length,
    finishedAfterSignal: acknowledged.filter((record) => record.answeredAt >= signalledAt).length,
    refused: records.filter(refused).length,
    reset: records.filter(reset).length,
    /** Unanswered, yet stored: a request cut off mid-way. Must be 0. */
    cutOff: unanswered.filter((record) => stored.has(record.text)).length,
    other: records.length - acknowledged.length - unanswered.length,
  };
}

const describeVerdict = (verdict: Awaited<ReturnType<typeof judge>>) =>
  `${verdict.acknowledged} acknowledged, ${verdict.lost} lost; ${verdict.finishedAfterSignal} answered after the ` +
  `signal (in flight); unanswered: ${verdict.refused} refused + ${verdict.reset} reset before being read, ` +
  `${verdict.cutOff} cut off mid-way`;

/**
 * Runs `WRITERS` closed-loop writers against a service, SIGTERMs it after
 * 2 s of load, and keeps writing until every writer has been refused.
 */
async function writeThroughSigterm(
  service: ServiceProcess,
  write: (writer: number, n: number) => Promise<WriteRecord>,
) {
  let signalledAt = 0;
  const refusedWriters = new Set<number>();
  const started = Date.now();
  const timer = setTimeout(() => {
    signalledAt = Date.now();
    service.signal('SIGTERM');
  }, 2_000);
  const records = await concurrentWriters({
    count: WRITERS,
    // Each writer stops once refused (or after 30 s, a hang the assertions then show).
    until: () => refusedWriters.size === WRITERS || Date.now() - started > 30_000,
    write: async (writer, n) => {
      if (refusedWriters.has(writer)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { text: '', username: '', status: -1, sentAt: 0, answeredAt: 0 };
      }
      const record = await write(writer, n);
      if (refused(record)) refusedWriters.add(writer);
      return record;
    },
  });
  clearTimeout(timer);
  const exitCode = await service.exited;
  return { records: records.filter((record) => record.status !== -1), signalledAt, exitCode };
}

/**
 * Issue 11, fault 4: SIGTERM under load, 50 concurrent writers. Requests in
 * flight finish (each gets its real answer), new ones are refused cleanly
 * (the port is closed: connection refused, never a reset or a hang, so a
 * proxy retries them elsewhere), nothing acknowledged is lost, the process
 * exits 0; live sockets on the web process reconnect to another one.
 */
describe.skipIf(skip)('SIGTERM under load', () => {
  const databases: TestDatabase[] = [];
  const services: ServiceProcess[] = [];
  let balancer: Balancer | undefined;
  const pages: LivePage[] = [];

  afterEach(async () => {
    pages.splice(0).forEach((page) => page.stop());
    await balancer?.close();
    await Promise.all(services.splice(0).map((service) => service.stop()));
    await Promise.all(databases.splice(0).map((database) => database.dispose()));
  });

  it('the API finishes in-flight writes, refuses new ones cleanly, loses none', { timeout: 180_000 }, async () => {
    const database = await createTestDatabase('postgres');
    databases.push(database);
    const api = await startService('api', { DATABASE_URL: database.url!, REDIS_URL: '' });
    services.push(api);
    for (let writer = 0; writer < WRITERS; writer += 1) {
      const answer = await send(api.url, {
        method: 'POST',
        path: '/register',
        // As the simulator: with its credentials, /register is never limited per address.
        headers: { Authorization: SIMULATOR_AUTH },
        body: { username: `writer ${writer}`, email: `w${writer}@example.com`, pwd: 'pw' },
      });
      expect(answer.status).toBe(204);
    }
    const { records, signalledAt, exitCode } = await writeThroughSigterm(api, (writer, n) =>
      postMessage(api.url, `writer ${writer}`, `sigterm api ${writer}.${n}`),
    );
    const verdict = await judge(records, 204, database.db.sql, signalledAt);
    console.log(
      `[fault 4: API SIGTERM, ${WRITERS} writers] ${statusSummary(records)}; ${describeVerdict(verdict)}; ` +
        `exit code ${exitCode}`,
    );
    expect(verdict.lost).toBe(0);
    expect(verdict.cutOff).toBe(0);
    expect(verdict.other).toBe(0);
    expect(verdict.refused).toBeGreaterThanOrEqual(WRITERS);
    expect(exitCode).toBe(0);
  });

  it(
    'the web app finishes in-flight posts, refuses new ones, and its live pages move to another process',
    { timeout: 240_000 },
    async () => {
      const database = await createTestDatabase('postgres');
      databases.push(database);
      const shared = {
        DATABASE_URL: database.url!,
        DATABASE_POOL_SIZE: '5',
        REDIS_URL: process.env.REDIS_URL!,
        REDIS_CHANNEL: `fault-term-${randomBytes(4).toString('hex')}`,
      };
      const [victim, other] = await Promise.all([
        startService('all', { ...shared, ...(await webEnv()) }),
        startService('all', { ...shared, ...(await webEnv()) }),
      ]);
      services.push(victim!, other!);
      const tokens: string[] = [];
      for (let writer = 0; writer < WRITERS; writer += 1) {
        const user = await database.db.users.register({
          username: `web writer ${writer}`,
          email: `ww${writer}@example.com`,
          password: 'secret-password',
          password2: 'secret-password',
        });
        tokens.push(await database.db.sessions.create(user.id, 3_600_000));
      }
      balancer = await startBalancer([victim!.url]);
      for (let i = 0; i < 30; i += 1)
        pages.push(openPage({ url: balancer.url, scope: { kind: 'public' }, startId: 0 }));
      expect(await waitUntil(() => pages.every(isLive), 60_000)).toBe(true);
      await balancer.setBackends([victim!.url, other!.url]);

      const { records, signalledAt, exitCode } = await writeThroughSigterm(victim!, (writer, n) =>
        webPost(victim!.url, tokens[writer]!, `sigterm web ${writer}.${n}`),
      );
      // A few more posts through the surviving process reach the moved pages live.
      for (let n = 0; n < 5; n += 1) expect((await webPost(other!.url, tokens[0]!, `after ${n}`)).status).toBe(303);

      const verdict = await judge(records, 303, database.db.sql, signalledAt);
      const expected = await expectedIdsOfAll(database.db, pages);
      await waitUntil(() => pages.every((page, i) => comparePage(page, expected[i]!).missing === 0), 20_000);
      const check = totals(pages.map((page, i) => comparePage(page, expected[i]!)));
      const moved = pages.filter((page) =>
        page.statuses.some((status) => status.at > signalledAt && status.status === 'offline'),
      ).length;
      console.log(
        `[fault 4: web SIGTERM, ${WRITERS} writers, ${pages.length} live pages] ${statusSummary(records)}; ` +
          `${describeVerdict(verdict)}; pages told to reconnect: ${moved}/${pages.length}, missing ${check.missing}, ` +
          `duplicates ${check.duplicates}, unexpected ${check.unexpected}; exit code ${exitCode}`,
      );
      expect(verdict.lost).toBe(0);
      expect(verdict.cutOff).toBe(0);
      expect(verdict.other).toBe(0);
      expect(verdict.refused).toBeGreaterThanOrEqual(WRITERS);
      expect(moved).toBe(pages.length);
      expect(pages.every(isLive)).toBe(true);
      expect(check).toEqual({ missing: 0, duplicates: 0, unexpected: 0 });
      expect(exitCode).toBe(0);
    },
  );
});
