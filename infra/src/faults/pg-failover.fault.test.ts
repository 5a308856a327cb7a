import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { type Database, openDatabase } from '@minitwit/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgCluster, type PgNode, missingForCluster, startPgCluster } from '../pg-ha/cluster';
import { isReplicating } from '../pg-ha/patroni-client';
import { type PageSpec, expectedIdsOfAll, statusTrail } from './support/live-pages';
import { type PageHosts, startPageHosts } from './support/page-hosts';
import { type ServiceProcess, startService, webEnv } from './support/service-process';
import { skipFaultScenario } from './support/skip';
import { expectWithinTarget } from './support/timing-target';
import { webGet } from './support/web-client';
import { type World, buildWorld } from './support/world';
import { writeGap } from './support/write-gaps';
import { type WriteRecord, postAtRate, statusSummary } from './support/writers';

const run = promisify(execFile);

const clusterMissing = await missingForCluster();
if (clusterMissing) console.warn(`SKIPPED: PostgreSQL failover fault scenarios — ${clusterMissing}`);
const skip = skipFaultScenario('PostgreSQL failover fault scenarios', { build: true }) || !!clusterMissing;

/** The simulator's steady write rate, and how long each scenario's load runs. */
const PER_SECOND = 100;
const LOAD_SECONDS = 30;
/** The fault comes 5 s into the load. */
const FAULT_AT = 5 * PER_SECOND;
const PAGES = 50;

interface Scenario {
  name: string;
  faultAt: number;
  /** Undone after the load (a node restarted or reconnected); resolves when the cluster is whole again. */
  heal(): Promise<string>;
  /** Extra figures and checks, after the load. */
  notes: string[];
}

/**
 * Issue 17: the replicated database tier (Patroni, one synchronous standby,
 * HAProxy as the stable address) under the simulator's steady 100 posts/s and
 * 50 live pages on public and My Timeline, through the real services (web +
 * API + realtime in one process, a second realtime server, Redis fan-out),
 * connected as minitwit_app. One cluster for the four faults, one after the
 * other: the primary's host SIGKILLed, the primary cut off the network, a
 * planned switchover, the only standby lost. Jepsen style: every acknowledged
 * write is looked up on the primary that is left, ids keep commit order across
 * the promotion, every page ends with exactly its scope's messages.
 */
describe.skipIf(skip)('PostgreSQL tier: failover under the simulator and live pages', () => {
  let cluster: PgCluster;
  let db: Database;
  let world: World;
  let app: ServiceProcess;
  let realtime: ServiceProcess;
  let hosts: PageHosts | undefined;

  beforeAll(async () => {
    cluster = await startPgCluster({ logDir: process.env.PGHA_LOG_DIR });
    // The test's own view through the stable address, as the schema's owner (it migrates).
    db = await openDatabase({ url: cluster.urls.owner, dataDir: '', poolSize: 3 });
    world = await buildWorld(db, { authors: 10, viewers: 25, followsEach: 3 });
    const env = {
      DATABASE_URL: cluster.urls.app,
      DATABASE_MIGRATIONS: 'wait',
      REDIS_URL: process.env.REDIS_URL!,
      REDIS_CHANNEL: `fault-pgha-${randomBytes(4).toString('hex')}`,
    };
    app = await startService('all', { ...(await webEnv()), ...env });
    realtime = await startService('realtime', env);
  });

  afterAll(async () => {
    await hosts?.stop();
    await Promise.all([app, realtime].filter(Boolean).map((service) => service.stop()));
    await db?.close();
    await cluster?.dispose();
  });

  const nodeNamed = (name: string): PgNode => cluster.nodes.find((node) => node.name === name)!;

  /** Waits until `name` is the synchronous standby of the current leader on its timeline; returns the ms taken. */
  async function rejoined(name: string, since: number): Promise<number> {
    await cluster.patroni.waitUntil(`${name} back as the synchronous standby`, 120_000, async () => {
      const members = await cluster.patroni.members();
      const leader = members.find((m) => m.role === 'leader' && m.state === 'running');
      const node = members.find((m) => m.name === name);
      return leader && node && isReplicating('sync_standby')(node) && node.timeline === leader.timeline
        ? true
        : undefined;
    });
    return Date.now() - since;
  }

  /** Ids of the messages with these texts, by one query per 1,000. */
  async function idsOf(texts: readonly string[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (let i = 0; i < texts.length; i += 1_000) {
      const rows = await db.sql<{ text: string; id: number }>(
        'select "text", "id" from "messages" where "text" = any($1)',
        [texts.slice(i, i + 1_000)],
      );
      for (const row of rows) ids.set(row.text, Number(row.id));
    }
    return ids;
  }

  /**
   * Commit order: a write acknowledged before another was sent must have the smaller id (live pages
   * resume from the newest id they show). Returns the pairs out of order.
   */
  function outOfOrder(acknowledged: readonly WriteRecord[], ids: Map<string, number>): number {
    const byAnswer = [...acknowledged].sort((a, b) => a.answeredAt - b.answeredAt);
    const bySend = [...acknowledged].sort((a, b) => a.sentAt - b.sentAt);
    let maxIdAnswered = 0;
    let k = 0;
    let bad = 0;
    for (const write of bySend) {
      while (k < byAnswer.length && byAnswer[k]!.answeredAt < write.sentAt) {
        maxIdAnswered = Math.max(maxIdAnswered, ids.get(byAnswer[k]!.text) ?? 0);
        k += 1;
      }
      if ((ids.get(write.text) ?? Number.POSITIVE_INFINITY) <= maxIdAnswered) bad += 1;
    }
    return bad;
  }

  function pageSpecs(startId: number): PageSpec[] {
    return Array.from({ length: PAGES }, (_, i) => {
      const url = i % 2 === 0 ? app.url : realtime.url;
      if (i % 2 === 0) return { url, scope: { kind: 'public' }, startId };
      const viewer = world.viewers[Math.floor(i / 2) % world.viewers.length]!;
      return { url, scope: { kind: 'home' }, startId, viewerId: viewer.id, sessionToken: viewer.sessionToken };
    });
  }

  /** Runs the load and live pages around one fault; prints and checks what every scenario promises. */
  async function underLoad(
    name: string,
    fault: () => Promise<Scenario>,
    limits: { gapMs: number; slowestMs: number },
  ): Promise<void> {
    const [newest] = await db.sql<{ max: number | null }>('select max("id") as "max" from "messages"');
    const specs = pageSpecs(Number(newest?.max ?? 0));
    hosts = await startPageHosts(2);
    await hosts.open(specs);
    const allLive = async () => (await hosts!.live()) === PAGES;
    for (let i = 0; i < 300 && !(await allLive()); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await hosts.live()).toBe(PAGES);

    // The web app's reads while it happens: a fast 503 while there is no primary, never a 500 or a hang.
    const reads: WriteRecord[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        reads.push(await webGet(app.url, '/public', 5_000));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    let scenario: Promise<Scenario> | undefined;
    const records = await postAtRate({
      apiUrl: app.apiUrl!,
      count: LOAD_SECONDS * PER_SECOND,
      perSecond: PER_SECOND,
      author: (i) => world.authors[i % world.authors.length]!.username,
      text: (i) => `${name} ${i}`,
      onTick: (i) => {
        if (i === FAULT_AT) {
          scenario = fault();
          // Awaited after the load; until then a failure must not count as unhandled.
          scenario.catch(() => undefined);
        }
      },
      deadlineMs: 5_000,
    });
    reading = false;
    await reader;
    const done = await scenario!;
    const healedIn = await done.heal();

    // Jepsen: every acknowledged write, looked up one by one on the primary that is left.
    const acknowledged = records.filter((r) => r.status === 204);
    const ids = await idsOf(acknowledged.map((r) => r.text));
    const lost = acknowledged.filter((r) => !ids.has(r.text));
    const disorder = outOfOrder(acknowledged, ids);

    // Every page ends with exactly its scope's messages.
    const expected = await expectedIdsOfAll(db, specs);
    await hosts.expect(expected);
    for (let i = 0; i < 200 && (await hosts.missing()) > 0; i += 1) await new Promise((r) => setTimeout(r, 100));
    const pages = await hosts.records();
    const missing = await hosts.missing();
    const pageChecks = pages.map((page, i) => {
      const shown = new Set(page.received);
      const want = new Set(expected[i]);
      return {
        gap: expected[i]!.some((id) => !shown.has(id)),
        duplicate: shown.size !== page.received.length,
        unexpected: [...shown].some((id) => !want.has(id)),
      };
    });
    const pagesWithGap = pageChecks.filter((c) => c.gap).length;
    const pagesWithDuplicate = pageChecks.filter((c) => c.duplicate).length;
    const pagesWithUnexpected = pageChecks.filter((c) => c.unexpected).length;
    await hosts.stop();
    hosts = undefined;

    const gap = writeGap(records, done.faultAt);
    const readGap = writeGap(reads, done.faultAt, 200);
    const unexpectedAnswers = gap.during.filter((r) => r.status !== 204 && r.status !== 503);
    console.log(
      `[pg ${name}] write gap ${(gap.gapMs / 1000).toFixed(2)} s; answers in the gap: ${statusSummary(gap.during)}, ` +
        `slowest ${gap.slowestMs} ms; web reads in their gap (${(readGap.gapMs / 1000).toFixed(2)} s): ` +
        `${statusSummary(readGap.during)}, slowest ${readGap.slowestMs} ms; ` +
        `writes: ${acknowledged.length} acknowledged, ${lost.length} missing, ${disorder} out of commit order; ` +
        `all answers ${statusSummary(records)}; pages: ${pagesWithGap} with a gap, ${pagesWithDuplicate} with a duplicate, ` +
        `${pagesWithUnexpected} with a stranger (${missing} messages missing in all); healed: ${healedIn}; ` +
        `${done.notes.join('; ')}; page 0 status: ${statusTrail(pages[0]!, done.faultAt)}`,
    );

    expect(Number.isFinite(gap.to)).toBe(true);
    expectWithinTarget(gap.gapMs, limits.gapMs, 'write gap (ms)');
    expect(unexpectedAnswers).toEqual([]);
    expectWithinTarget(gap.slowestMs, limits.slowestMs, 'slowest answer in the write gap (ms)');
    expect(reads.filter((r) => r.status !== 200 && r.status !== 503)).toEqual([]);
    expectWithinTarget(readGap.slowestMs, limits.slowestMs, 'slowest read in its gap (ms)');
    expect(lost).toEqual([]);
    expect(disorder).toBe(0);
    expect({ pagesWithGap, pagesWithDuplicate, pagesWithUnexpected }).toEqual({
      pagesWithGap: 0,
      pagesWithDuplicate: 0,
      pagesWithUnexpected: 0,
    });
    expect(app.child.exitCode).toBeNull();
  }

  it('primary host SIGKILLed: writes back within 10 s, only fast 503s meanwhile, nothing lost, old primary rejoins', async () => {
    await underLoad(
      'primary killed',
      async () => {
        const { leader } = await cluster.patroni.waitForSyncStandby(10_000);
        const node = nodeNamed(leader.name);
        const faultAt = Date.now();
        await node.kill();
        return {
          name: 'kill',
          faultAt,
          notes: [`killed ${leader.name} (timeline ${leader.timeline})`],
          async heal() {
            const startedAt = Date.now();
            await node.start();
            const leaderNow = await cluster.patroni.leader();
            return `new primary ${leaderNow?.name} on timeline ${leaderNow?.timeline}; ${leader.name} restarted and back as the synchronous standby in ${((await rejoined(leader.name, startedAt)) / 1000).toFixed(1)} s`;
          },
        };
      },
      { gapMs: 10_000, slowestMs: 1_000 },
    );
  });

  it('planned switchover: writes pause at most 2 s, nothing lost', async () => {
    await underLoad(
      'switchover',
      async () => {
        const { leader, standby } = await cluster.patroni.waitForSyncStandby(10_000);
        const faultAt = Date.now();
        await cluster.patroni.switchover(leader.name, standby.name);
        const answeredAt = Date.now();
        return {
          name: 'switchover',
          faultAt,
          notes: [`${leader.name} → ${standby.name}, switchover call answered in ${answeredAt - faultAt} ms`],
          heal: async () =>
            `${leader.name} back as the synchronous standby ${((await rejoined(leader.name, answeredAt)) / 1000).toFixed(1)} s after the switchover`,
        };
      },
      { gapMs: 2_000, slowestMs: 1_000 },
    );
  });

  it('consensus store hung for 8 s: the primary stays the primary (DCS failsafe), writes go on, nothing lost', async () => {
    await underLoad(
      'dcs hung',
      async () => {
        const { leader } = await cluster.patroni.waitForSyncStandby(10_000);
        const faultAt = Date.now();
        // Longer than retry_timeout (3 s) and than the leader key's ttl (7 s): without failsafe_mode
        // the primary demoted itself here, as pg-2 did in the multi-host run when etcd's members
        // answered late while node-1 came back (2026-12-07: 511 × 503).
        cluster.freezeDcs(true);
        await new Promise((resolve) => setTimeout(resolve, 8_000));
        cluster.freezeDcs(false);
        return {
          name: 'dcs hung',
          faultAt,
          notes: [`etcd hung 8 s under ${leader.name} (timeline ${leader.timeline})`],
          async heal() {
            const { leader: after } = await cluster.patroni.waitForSyncStandby(30_000);
            expect({ name: after.name, timeline: after.timeline }).toEqual({
              name: leader.name,
              timeline: leader.timeline,
            });
            return `${after.name} still the leader on timeline ${after.timeline}`;
          },
        };
      },
      { gapMs: 2_000, slowestMs: 1_000 },
    );
  });

  it('only standby lost: the primary goes on alone within seconds (not strict), nothing lost, the standby rejoins', async () => {
    await underLoad(
      'standby lost',
      async () => {
        const { standby } = await cluster.patroni.waitForSyncStandby(10_000);
        const node = nodeNamed(standby.name);
        const faultAt = Date.now();
        await node.kill();
        // Not strict: Patroni drops the lost standby from synchronous_standby_names and the primary
        // acknowledges on its own (recorded in the consensus store, so no node that missed those
        // commits can be promoted).
        const alone = await cluster.patroni.waitUntil(
          'the primary to go on without a synchronous standby',
          30_000,
          async () =>
            (await cluster.patroni.members()).some((m) => m.role === 'sync_standby') ? undefined : Date.now() - faultAt,
        );
        return {
          name: 'standby lost',
          faultAt,
          notes: [`killed ${standby.name}; no synchronous standby recorded after ${alone} ms`],
          async heal() {
            const startedAt = Date.now();
            await node.start();
            return `${standby.name} restarted and back as the synchronous standby in ${((await rejoined(standby.name, startedAt)) / 1000).toFixed(1)} s`;
          },
        };
      },
      { gapMs: 5_000, slowestMs: 5_000 },
    );
  });
  it('primary cut off the network: no split brain, writes back within 10 s, nothing lost', async () => {
    await underLoad(
      'primary cut off',
      async () => {
        const { leader } = await cluster.patroni.waitForSyncStandby(10_000);
        const node = nodeNamed(leader.name);
        const faultAt = Date.now();
        await node.connect(false);
        // Straight onto the isolated node over its Unix socket (as a client on that host would): a write
        // there must never be acknowledged, and the node must stop being a primary by itself.
        const asPostgres = { uid: Number((await run('id', ['-u', 'postgres'])).stdout), cwd: '/tmp' };
        const isolatedText = `isolated write ${randomBytes(4).toString('hex')}`;
        const author = world.authors[0]!.id;
        const isolatedWrite = run(
          'psql',
          [
            '-h',
            node.socketDir,
            '-d',
            'minitwit',
            '-v',
            'ON_ERROR_STOP=1',
            '-c',
            `insert into messages (author_id, text) values (${author}, '${isolatedText}')`,
          ],
          { ...asPostgres, timeout: 25_000 },
        ).then(
          () => 'acknowledged',
          (error: { stderr?: string; killed?: boolean }) =>
            error.killed ? 'no answer in 25 s' : `refused (${String(error.stderr).trim().slice(0, 80)})`,
        );
        let demotedAfter: number | undefined;
        const demotion = (async () => {
          while (Date.now() - faultAt < 30_000) {
            const answer = await run(
              'psql',
              ['-h', node.socketDir, '-d', 'postgres', '-Atc', 'select pg_is_in_recovery()'],
              {
                ...asPostgres,
                timeout: 2_000,
              },
            ).catch(() => ({ stdout: 'down' }));
            if (answer.stdout.trim() !== 'f') {
              demotedAfter = Date.now() - faultAt;
              return answer.stdout.trim() === 't' ? 'read-only standby' : 'stopped';
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
          return 'still a primary after 30 s';
        })();
        const notes: string[] = [];
        return {
          name: 'cut off',
          faultAt,
          notes,
          async heal() {
            const state = await demotion;
            const write = await isolatedWrite;
            const [found] = await db.sql<{ n: number }>(
              'select count(*)::int as "n" from "messages" where "text" = $1',
              [isolatedText],
            );
            notes.push(
              `isolated ${leader.name}: ${state} after ${demotedAfter ?? '—'} ms; its direct write: ${write}, on the new primary: ${found!.n}`,
            );
            expect(state).not.toBe('still a primary after 30 s');
            expect(write).not.toBe('acknowledged');
            expect(found!.n).toBe(0);
            const startedAt = Date.now();
            await node.connect(true);
            const rejoinMs = await rejoined(leader.name, startedAt);
            // Still replicating 5 s later: before infra/postgres-ha/patroni-launcher.py's backported fix,
            // Patroni 3.0.2 demoted this node twice, re-cloned it (~70 s) and in 2 of 7 runs it then
            // stopped replicating (docs/operations.md, "Rejoining after a partition").
            await new Promise((resolve) => setTimeout(resolve, 5_000));
            const after = (await cluster.patroni.members()).find((m) => m.name === leader.name);
            expect(after && isReplicating('sync_standby')(after)).toBe(true);
            return `${leader.name} reconnected and back as the synchronous standby in ${(rejoinMs / 1000).toFixed(1)} s; 5 s later: ${after?.role} ${after?.state}, lag ${after?.lag} bytes`;
          },
        };
      },
      { gapMs: 10_000, slowestMs: 1_000 },
    );
  });
});
