import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { metricSample } from '@minitwit/monitoring/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE, missingForExporter, startBackupExporter, startOnBackupHost } from './backup-exporter';
import { type PgCluster, missingForCluster, startPgCluster } from './cluster';
import { lockClusterInstance } from './instance-lock';

const run = promisify(execFile);
const missing = (await missingForCluster()) ?? (await missingForExporter());
if (missing) {
  console.warn(`SKIPPED: the backup host's exporter and schedule against a real cluster — ${missing}`);
}

/** The schedule's JSON lines, each checked to be one JSON object from service "pgbackrest". */
function events(output: string): { event: string; type?: string; level: string }[] {
  return output
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const parsed = JSON.parse(line) as { event: string; type?: string; level: string; service: string };
      expect(parsed.service, line).toBe('pgbackrest');
      return parsed;
    });
}

/**
 * The backup host's own programs (infra/postgres-ha/pgbackrest-exporter.py
 * and backup-schedule.sh) against the real replicated tier, run as its image
 * runs them: as postgres, configured by the PGBACKREST_* environment alone.
 */
describe.skipIf(missing !== undefined)("the backup host's exporter and schedule", () => {
  let cluster: PgCluster;
  let release: (() => Promise<void>) | undefined;

  // Waits for another test file's cluster of this instance to finish first.
  beforeAll(async () => {
    release = await lockClusterInstance();
    cluster = await startPgCluster();
  }, 900_000);

  afterAll(async () => {
    await cluster?.dispose();
    await release?.();
  }, 120_000);

  it('reports the backups of each type, and pgbackrest_up 0 when the repository is out of reach', async () => {
    const exporter = await startBackupExporter(cluster.backup);
    try {
      // The stanza exists (the cluster made it) but holds no backup: up, and no completion series at all.
      const before = await exporter.scrape();
      expect(metricSample(before, 'pgbackrest_up'), before).toBe(1);
      expect(before).not.toMatch(/^pgbackrest_backup_last_completion_timestamp_seconds/m);
      expect(metricSample(before, 'pgbackrest_stanza_status', { stanza: 'minitwit' })).toBe(2);
      // A burst of scrapes runs `info` once: the second answer is the cached one.
      expect(metricSample(await exporter.scrape(), 'pgbackrest_info_duration_seconds')).toBe(
        metricSample(before, 'pgbackrest_info_duration_seconds'),
      );

      await cluster.backup.backup('full');
      await cluster.backup.backup('incr');
      const now = Date.now() / 1000;
      // The cache holds the answer from before the backups for up to 15 s.
      let after = '';
      for (const deadline = Date.now() + 40_000; Date.now() < deadline;) {
        after = await exporter.scrape();
        if (metricSample(after, 'pgbackrest_backups', { type: 'incr' }) !== undefined) break;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      expect(metricSample(after, 'pgbackrest_up'), after).toBe(1);
      expect(metricSample(after, 'pgbackrest_stanza_status', { stanza: 'minitwit' })).toBe(0);
      for (const type of ['full', 'incr']) {
        const labels = { stanza: 'minitwit', type };
        const completed = metricSample(after, 'pgbackrest_backup_last_completion_timestamp_seconds', labels);
        expect(completed, `${type} completion`).toBeGreaterThan(now - 60);
        expect(completed, `${type} completion`).toBeLessThanOrEqual(now + 1);
        expect(metricSample(after, 'pgbackrest_backups', labels), `${type} count`).toBe(1);
        expect(metricSample(after, 'pgbackrest_backup_last_size_bytes', labels), `${type} size`).toBeGreaterThan(
          1_000_000,
        );
      }
      expect(after).not.toMatch(/type="diff"/);
      expect(exporter.output()).not.toMatch(/info-failed|unreadable/);
    } finally {
      await exporter.stop();
    }

    // The same backup host with its repository gone (an unmounted volume): info still exits 0, but up is 0.
    const cutOff = await startBackupExporter(cluster.backup, {
      PGBACKREST_REPO1_PATH: join(cluster.backup.dir, 'no-such-repository'),
    });
    try {
      const text = await cutOff.scrape();
      expect(metricSample(text, 'pgbackrest_up'), text).toBe(0);
      expect(text).not.toMatch(/^pgbackrest_backup_last_completion_timestamp_seconds/m);
      expect(cutOff.output()).toMatch(/"event": "repository-unreadable"/);
    } finally {
      await cutOff.stop();
    }
  });

  it('the schedule makes the stanza, a full backup and then incrementals', { timeout: 180_000 }, async () => {
    // An empty repository, as on a new backup host: the schedule must create the stanza itself.
    await cluster.backup.pgbackrest(['stop']);
    await cluster.backup.pgbackrest(['stanza-delete', '--force']);
    await cluster.backup.pgbackrest(['start']);
    expect((await cluster.backup.info()).backups).toEqual([]);

    const started = Date.now() / 1000;
    const schedule = await startOnBackupHost(SCHEDULE, cluster.backup, {
      BACKUP_INCR_INTERVAL: '5',
      BACKUP_FULL_INTERVAL: '3600',
      BACKUP_POLL_INTERVAL: '1',
    });
    try {
      // Until the first incremental is done, then 15 s more at most.
      for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
        if (/"event":"backup-finished","type":"incr"/.test(schedule.output())) break;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      await new Promise((resolve) => setTimeout(resolve, 6_000));
    } finally {
      await schedule.stop();
    }
    const log = events(schedule.output());
    const names = log
      .filter((line) => line.event !== 'waiting-for-primary')
      .map((line) => `${line.event}${line.type ? ` ${line.type}` : ''}`);
    expect(names.slice(0, 6), schedule.output()).toEqual([
      'starting',
      'primary-answers',
      'stanza-ready',
      'no-full-backup',
      'backup-started full',
      'backup-finished full',
    ]);
    expect(names.filter((name) => name === 'backup-finished incr').length).toBeGreaterThanOrEqual(1);
    expect(names.filter((name) => name === 'backup-finished full')).toHaveLength(1);
    expect(log.filter((line) => line.level !== 'info')).toEqual([]);
    expect(names.at(-1)).toBe('stopped');

    const { backups } = await cluster.backup.info();
    expect(backups.filter((backup) => backup.type === 'full')).toHaveLength(1);
    expect(backups.filter((backup) => backup.type === 'incr').length).toBeGreaterThanOrEqual(1);
    for (const backup of backups) expect(backup.stopSeconds).toBeGreaterThanOrEqual(Math.floor(started));
  });
});

/** A pgbackrest that answers check and info but fails every backup: the schedule must keep going. */
describe('the backup schedule when backups fail', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'minitwit-schedule-'));
    const fake = join(dir, 'pgbackrest');
    await writeFile(
      fake,
      [
        '#!/bin/sh',
        'case "$1" in',
        '  info) echo "[]" ;;',
        '  backup) echo "ERROR: [056]: unable to find primary cluster - cannot proceed" >&2; exit 56 ;;',
        'esac',
      ].join('\n'),
    );
    await chmod(fake, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('logs each failed backup and tries again at the next round', { timeout: 30_000 }, async () => {
    const { stdout } = await run('timeout', ['--preserve-status', '-s', 'TERM', '5', 'bash', SCHEDULE], {
      env: { PATH: `${dir}:/usr/bin:/bin`, BACKUP_POLL_INTERVAL: '1', BACKUP_INCR_INTERVAL: '1' },
    }).catch((error: { stdout: string }) => error);
    const log = events(stdout);
    const failed = log.filter((line) => line.event === 'backup-failed');
    expect(failed.length, stdout).toBeGreaterThanOrEqual(2);
    expect(failed[0]).toMatchObject({ level: 'error', code: 56, output: expect.stringContaining('primary') });
    expect(log.filter((line) => line.event === 'backup-retry-later')).toHaveLength(failed.length);
    // Never an incremental without a full to build on: the full is what is retried.
    expect(log.filter((line) => line.event === 'backup-started').every((line) => line.type === 'full')).toBe(true);
    expect(log.at(-1)?.event).toBe('stopped');
  });
});
