import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupHost } from '../../pg-ha/backup-host';

/** What `pgbackrest info` says of one backup: its own start→stop, the database's size and what the repository holds. */
export interface BackupFigures {
  label: string;
  type: string;
  seconds: number;
  databaseBytes: number;
  /** This backup's files in the repository (compressed; an incremental holds only changed files). */
  repositoryBytes: number;
  /** With the backups it depends on: what a restore of it reads. */
  restoreReadsBytes: number;
}

interface InfoBackup {
  label: string;
  type: string;
  timestamp: { start: number; stop: number };
  info: { size: number; repository: { size: number; delta: number } };
}

export async function backupFigures(backup: BackupHost): Promise<BackupFigures[]> {
  const [stanza] = JSON.parse(await backup.pgbackrest(['info', '--output=json'])) as Array<{ backup: InfoBackup[] }>;
  return (stanza?.backup ?? []).map((b) => ({
    label: b.label,
    type: b.type,
    seconds: b.timestamp.stop - b.timestamp.start,
    databaseBytes: b.info.size,
    repositoryBytes: b.info.repository.delta,
    restoreReadsBytes: b.info.repository.size,
  }));
}

/**
 * The backup set the latest restore started from, from pgBackRest's restore
 * log on the backup host ("restore backup set <label>, recovery will start
 * at …"): a restore to a time picks the newest backup that ended before it.
 */
export async function lastRestoredSet(backup: BackupHost): Promise<string | undefined> {
  const log = await readFile(join(backup.dir, 'log', 'minitwit-restore.log'), 'utf8').catch(() => '');
  return [...log.matchAll(/restore backup set (\S+),/g)].at(-1)?.[1];
}

export const megabytes = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
