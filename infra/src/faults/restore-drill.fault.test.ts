import { loadavg } from 'node:os';
import { type Database, openDatabase } from '@minitwit/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgCluster, missingForCluster, startPgCluster } from '../pg-ha/cluster';
import { lockClusterInstance } from '../pg-ha/instance-lock';
import { type ArchiveLag, watchArchive } from './support/archive-watch';
import { backupFigures, lastRestoredSet, megabytes } from './support/backup-report';
import { type LoadedCounts, loadMessages, psql } from './support/bulk-load';

const missing = await missingForCluster();
if (missing) console.warn(`SKIPPED: restore drill (issue 17) — ${missing}`);

const MESSAGES = 1_000_000;
const USERS = 10_000;
const FOLLOWS_PER_USER = 20;
/** Between the last acknowledged write and T, and between T and the first write after it (the primary's clock). */
const MARGIN_MS = 1_000;

/** One acknowledged write, as it should (or should not) be found after a restore. */
type Write =
  | { kind: 'user'; username: string }
  | { kind: 'message'; author: string; text: string }
  | { kind: 'follow'; who: string; whom: string };

const key = (w: Write) =>
  w.kind === 'user' ? `user ${w.username}` : w.kind === 'message' ? `message ${w.text}` : `follow ${w.who}>${w.whom}`;

/**
 * Writes through the app's own code path (the db stores, as minitwit_app),
 * one at a time; a write is recorded once it is acknowledged (the store
 * returned). The drill's names never collide with the loaded `user<n>`.
 */
class Writer {
  readonly acknowledged: Write[] = [];
  private n = 0;
  constructor(
    private readonly db: Database,
    private readonly batch: string,
  ) {}

  async register(username: string) {
    await this.db.users.register({ username, email: `${username}@example.com`, password: 'drill-pw' });
    this.acknowledged.push({ kind: 'user', username });
  }

  async post(author: string) {
    this.n += 1;
    const text = `Drill ${this.batch} #${this.n}: restored or not, this post says what it was`;
    await this.db.messages.postAs(author, text);
    this.acknowledged.push({ kind: 'message', author, text });
  }

  async follow(who: string, whom: string) {
    const change = await this.db.follows.follow(who, whom);
    // A pair that already existed would be no write at all.
    if (!change.changed) throw new Error(`${who} already followed ${whom}`);
    this.acknowledged.push({ kind: 'follow', who, whom });
  }
}

/**
 * The drill's writes as a restored cluster holds them: its users are `drill_…`
 * and its texts start with a capital "Drill " (the loaded text has no capitals).
 */
async function drillRows(db: Database): Promise<Set<string>> {
  const users = await db.sql<{ username: string }>(`select "username" from "users" where "username" like 'drill%'`);
  const messages = await db.sql<{ text: string }>(`select "text" from "messages" where "text" like 'Drill %'`);
  const follows = await db.sql<{ who: string; whom: string }>(
    `select u."username" as "who", v."username" as "whom"
       from "followers" f join "users" u on u."id" = f."who_id" join "users" v on v."id" = f."whom_id"
      where u."username" like 'drill%' or v."username" like 'drill%'`,
  );
  return new Set([
    ...users.map((r) => key({ kind: 'user', username: r.username })),
    ...messages.map((r) => key({ kind: 'message', author: '', text: r.text })),
    ...follows.map((r) => key({ kind: 'follow', who: r.who, whom: r.whom })),
  ]);
}

async function rowCounts(db: Database): Promise<LoadedCounts> {
  const [row] = await db.sql<{ users: string; follows: string; messages: string }>(
    `select (select count(*) from "users") as "users", (select count(*) from "followers") as "follows",
            (select count(*) from "messages") as "messages"`,
  );
  return { users: Number(row!.users), follows: Number(row!.follows), messages: Number(row!.messages) };
}

const countOf = (writes: Write[], kind: Write['kind']) => writes.filter((w) => w.kind === kind).length;

interface Restored {
  seconds: { restore: number; recovery: number };
  backupSet: string | undefined;
  rows: Set<string>;
  counts: LoadedCounts;
  /** pg_last_xact_replay_timestamp() <= target, and by how much (ms). */
  lastCommitBeforeTarget: boolean;
  lastCommitMsBeforeTarget: number;
}

/** Restores the archive as of `time` into a fresh cluster, reads what it holds, and removes it. */
async function restoreAndRead(cluster: PgCluster, time: string): Promise<Restored> {
  const restored = await cluster.backup.restoreToTime(time);
  try {
    const backupSet = await lastRestoredSet(cluster.backup);
    // `wait`: never migrate the copy; opening proves the schema and its migrations table came back.
    const db = await openDatabase({ url: restored.url, dataDir: '', poolSize: 2, migrations: 'wait' });
    try {
      // After promotion this stays at the last commit recovery applied.
      const [last] = await db.sql<{ before: boolean; ms: number }>(
        `select pg_last_xact_replay_timestamp() <= $1::timestamptz as "before",
                extract(epoch from $1::timestamptz - pg_last_xact_replay_timestamp())::float8 * 1000 as "ms"`,
        [time],
      );
      return {
        seconds: { restore: restored.restoreSeconds, recovery: restored.recoverySeconds },
        backupSet,
        rows: await drillRows(db),
        counts: await rowCounts(db),
        lastCommitBeforeTarget: last!.before,
        lastCommitMsBeforeTarget: last!.ms,
      };
    } finally {
      await db.close();
    }
  } finally {
    await restored.dispose();
  }
}

/**
 * Issue 17, restore drill: load 1,000,000 messages, take a full backup,
 * write (an incremental backup in the middle), note T, write more, restore
 * to T into a fresh cluster: exactly the writes acknowledged before T, none
 * after. Prints the RTO at 1M messages, the backup times, and the RPO the
 * cluster's own settings give, beside the archive lag seen while writing.
 *
 * T and commit visibility: recovery stops at the first commit whose commit
 * record's time (the primary's clock, stamped before the commit is flushed
 * and sent to the standby) is after T; a client's acknowledgement comes after
 * that stamp, and sync replication can delay it by any amount. So T is taken
 * from the primary's own clock (`now()` through HAProxy), never the test's,
 * and only after every batch-1 write was acknowledged plus MARGIN_MS: every
 * batch-1 commit record is stamped before T. The first batch-2 write is sent
 * only once the primary's clock reads T + MARGIN_MS: every batch-2 commit is
 * stamped after T. No write is in flight across T, so none is ambiguous.
 * `now()` is read as text: a JS Date would drop the microseconds. Times of
 * rows (`pub_date`) are transaction starts, not commits, so the comparison is
 * by what was written, never by those times.
 */
describe.skipIf(missing !== undefined)('restore drill: point-in-time restore at 1M messages', () => {
  let cluster: PgCluster;
  let owner: Database;
  let app: Database;
  let release: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    // Another file's cluster on this MINITWIT_PGHA_INSTANCE would share our test hosts' names.
    release = await lockClusterInstance();
    cluster = await startPgCluster();
    // The owner migrates (as `npm run migrate` does); the app waits for it, as the services do.
    owner = await openDatabase({ url: cluster.urls.owner, dataDir: '', poolSize: 1 });
    app = await openDatabase({ url: cluster.urls.app, dataDir: '', poolSize: 4, migrations: 'wait' });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await owner?.close();
    await cluster?.dispose();
    await release?.();
  });

  it('restores exactly the writes up to T, from full + incremental + WAL', { timeout: 1_200_000 }, async () => {
    const nowText = async () => (await app.sql<{ t: string }>('select now()::text as "t"'))[0]!.t;
    const waitForPrimaryClock = async (past: string) => {
      while (!(await app.sql<{ ok: boolean }>('select clock_timestamp() > $1::timestamptz as "ok"', [past]))[0]!.ok) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const setting = async (name: string) => (await app.sql<Record<string, string>>(`show ${name}`))[0]![name]!;

    // --- 1M messages, then the base backup
    let started = Date.now();
    const loaded = await loadMessages(cluster.urls.owner, {
      users: USERS,
      followsPerUser: FOLLOWS_PER_USER,
      messages: MESSAGES,
    });
    const loadSeconds = (Date.now() - started) / 1000;
    expect(loaded).toEqual({ users: USERS, follows: USERS * FOLLOWS_PER_USER, messages: MESSAGES });
    started = Date.now();
    const fullLabel = await cluster.backup.backup('full');
    const fullWall = (Date.now() - started) / 1000;

    // --- batch 1: before T, half before the incremental backup and half after (only in the WAL)
    const before = new Writer(app, 'before');
    await before.register('drill_before');
    for (let i = 1; i <= 5; i += 1) {
      await before.follow('drill_before', `user${i * 11}`);
      await before.follow(`user${i * 13}`, 'drill_before');
    }
    for (let i = 1; i <= 20; i += 1) await before.post(i % 4 === 0 ? 'drill_before' : `user${i * 7}`);
    started = Date.now();
    const incrLabel = await cluster.backup.backup('incr');
    const incrWall = (Date.now() - started) / 1000;
    // From here the archive lags the primary: the incremental backup's end was the last segment switch.
    const watch = watchArchive(app.sql);
    for (let i = 1; i <= 20; i += 1) await before.post(i % 5 === 0 ? 'drill_before' : `user${i * 17}`);
    await before.follow('drill_before', 'user5000');

    await new Promise((resolve) => setTimeout(resolve, MARGIN_MS));
    const T = await nowText();
    await waitForPrimaryClock(await addMs(app, T, MARGIN_MS));

    // --- batch 2: after T, for longer than archive_timeout, so the archiver's own rhythm shows
    const archiveTimeoutS = parseSeconds(await setting('archive_timeout'));
    const after = new Writer(app, 'after');
    const batch2From = Date.now();
    const primaryBatch2From = Number((await app.sql<{ ms: number }>(epochMsNow))[0]!.ms);
    await after.register('drill_after');
    await after.follow('drill_after', 'drill_before');
    for (let i = 1; Date.now() - batch2From < (archiveTimeoutS + 25) * 1000; i += 1) {
      if (i % 10 === 0) await after.follow('drill_after', `user${(i / 10) * 31}`);
      else await after.post(i % 3 === 0 ? 'drill_after' : i % 3 === 1 ? 'drill_before' : `user${i}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const primaryBatch2To = Number((await app.sql<{ ms: number }>(epochMsNow))[0]!.ms);
    const lag: ArchiveLag = await watch.stop();

    // --- T2 after batch 2 (the non-vacuity check), and one write after T2 so recovery can stop there
    await new Promise((resolve) => setTimeout(resolve, MARGIN_MS));
    const T2 = await nowText();
    await waitForPrimaryClock(await addMs(app, T2, MARGIN_MS));
    const sentinel = new Writer(app, 'sentinel');
    await sentinel.post('user1');
    await cluster.backup.archiveNow();

    // --- the cluster's own settings: what the RPO is
    const synchronousCommit = await setting('synchronous_commit');
    const syncStandbys = (
      await psql(cluster.urls.monitor, `select application_name from pg_stat_replication where sync_state = 'sync'`)
    )
      .split('\n')
      .filter(Boolean);
    const walSegment = await setting('wal_segment_size');

    const backups = await backupFigures(cluster.backup);
    const full = backups.find((b) => b.label === fullLabel)!;
    const incr = backups.find((b) => b.label === incrLabel)!;

    const atT = await restoreAndRead(cluster, T);
    const atT2 = await restoreAndRead(cluster, T2);

    const expectedAtT = new Set(before.acknowledged.map(key));
    const afterT = after.acknowledged.map(key);
    const expectedAtT2 = new Set([...expectedAtT, ...afterT]);
    const presentOf = (rows: Set<string>, writes: string[]) => writes.filter((w) => rows.has(w)).length;
    const unexpected = (rows: Set<string>, expected: Set<string>) => [...rows].filter((r) => !expected.has(r));
    const beforeKeys = [...expectedAtT];
    const sentinelKeys = sentinel.acknowledged.map(key);

    const rto = atT.seconds.restore + atT.seconds.recovery;
    // Only the primary lost: a commit is acknowledged once the synchronous standby has it.
    const synchronous = ['on', 'remote_write', 'remote_apply'].includes(synchronousCommit) && syncStandbys.length > 0;
    const rpoPrimaryOnly = synchronous ? '0' : `unbounded (synchronous_commit=${synchronousCommit})`;
    // Primary's disk and the standby lost: what is not in the archive — up to archive_timeout of
    // commits in the open segment, plus a closed segment the archiver has not pushed yet.
    const rpoBothS = archiveTimeoutS + lag.maxPushMs / 1000;
    const batch2Archived = lag.archivedIn(primaryBatch2From, primaryBatch2To);

    console.log(
      `[restore drill: ${MESSAGES.toLocaleString('en')} messages, ${megabytes(incr.databaseBytes)} database] ` +
        `RTO ${rto.toFixed(1)} s (restore ${atT.seconds.restore.toFixed(1)} s + start and recovery to T ${atT.seconds.recovery.toFixed(1)} s) ` +
        `from ${atT.backupSet} (full ${megabytes(full.repositoryBytes)} + incr ${megabytes(incr.repositoryBytes)} read from the repository, lz4) + WAL; ` +
        `to T2 ${(atT2.seconds.restore + atT2.seconds.recovery).toFixed(1)} s; ` +
        `backups: full ${full.seconds} s (${fullWall.toFixed(1)} s wall), incr ${incr.seconds} s (${incrWall.toFixed(1)} s wall); ` +
        `load ${loadSeconds.toFixed(1)} s; ` +
        `at T: ${presentOf(atT.rows, beforeKeys)}/${beforeKeys.length} before present, ${presentOf(atT.rows, afterT)}/${afterT.length} after present, ` +
        `${unexpected(atT.rows, expectedAtT).length} unexpected, last commit replayed ${Math.round(atT.lastCommitMsBeforeTarget)} ms before T, ` +
        `counts ${atT.counts.messages}/${atT.counts.users}/${atT.counts.follows} (messages/users/follows); ` +
        `at T2: ${presentOf(atT2.rows, afterT)}/${afterT.length} after present, sentinel ${presentOf(atT2.rows, sentinelKeys)}; ` +
        `RPO: primary lost ${rpoPrimaryOnly} (synchronous_commit=${synchronousCommit}, sync standby ${syncStandbys.join(',') || 'none'}), ` +
        `primary's disk and standby lost ≤ ${rpoBothS.toFixed(1)} s (archive_timeout ${archiveTimeoutS} s + slowest push ${(lag.maxPushMs / 1000).toFixed(1)} s, wal_segment_size ${walSegment}); ` +
        `archive lag seen while writing: max ${(lag.maxExposureMs / 1000).toFixed(1)} s, ${batch2Archived.length} segment(s) archived by the timeout in ${((primaryBatch2To - primaryBatch2From) / 1000).toFixed(0)} s of batch 2; ` +
        `load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );

    // Restore to T: every write acknowledged before T, nothing after, exact counts.
    expect(atT.backupSet).toBe(incrLabel);
    expect(presentOf(atT.rows, beforeKeys)).toBe(beforeKeys.length);
    expect(unexpected(atT.rows, expectedAtT)).toEqual([]);
    expect(atT.counts).toEqual({
      users: USERS + countOf(before.acknowledged, 'user'),
      follows: USERS * FOLLOWS_PER_USER + countOf(before.acknowledged, 'follow'),
      messages: MESSAGES + countOf(before.acknowledged, 'message'),
    });
    expect(atT.lastCommitBeforeTarget).toBe(true);
    // Restore to T2: the same comparison does find batch 2 when it is there (it is not vacuous).
    expect(atT2.backupSet).toBe(incrLabel);
    expect(unexpected(atT2.rows, expectedAtT2)).toEqual([]);
    expect(presentOf(atT2.rows, [...expectedAtT2])).toBe(expectedAtT2.size);
    expect(atT2.counts.messages).toBe(
      MESSAGES + countOf(before.acknowledged, 'message') + countOf(after.acknowledged, 'message'),
    );
    // The RPO the settings promise is what was seen: archive_timeout closed a segment during batch 2
    // without a forced switch, and WAL never waited much longer than archive_timeout for the archive.
    expect(synchronous).toBe(true);
    expect(batch2Archived.length).toBeGreaterThan(0);
    expect(lag.maxExposureMs).toBeLessThanOrEqual((archiveTimeoutS + 20) * 1000);
  });
});

const epochMsNow = 'select extract(epoch from clock_timestamp())::float8 * 1000 as "ms"';

/** A time (text, as the primary wrote it) plus ms, as text. */
async function addMs(db: Database, time: string, ms: number): Promise<string> {
  const [row] = await db.sql<{ t: string }>(`select ($1::timestamptz + $2 * interval '1 millisecond')::text as "t"`, [
    time,
    ms,
  ]);
  return row!.t;
}

/** `show archive_timeout` answers with a unit ("1min", "60s"). */
function parseSeconds(shown: string): number {
  const match = /^(\d+)\s*(ms|s|min|h)?$/.exec(shown.trim());
  if (!match) throw new Error(`unexpected duration ${shown}`);
  const unit = { ms: 0.001, s: 1, min: 60, h: 3600 }[match[2] ?? 's'] ?? 1;
  return Number(match[1]) * unit;
}
