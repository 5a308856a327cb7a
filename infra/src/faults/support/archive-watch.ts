import type { Database } from '@minitwit/db';

type Sql = Database['sql'];

/** One look at the primary: its clock, the WAL segment it writes, and the newest one archived. */
export interface ArchiveSample {
  /** The primary's clock (epoch ms). */
  at: number;
  current: string;
  archived: string | null;
  archivedAt: number | null;
}

export interface ArchiveLag {
  samples: ArchiveSample[];
  /**
   * The largest age, over the samples, of the oldest WAL not yet in the
   * archive: what a loss of the primary's disk and of the standby at that
   * moment would have lost (ms of acknowledged commits).
   */
  maxExposureMs: number;
  /** Segments that became archived in the window, and the slowest push after its switch (ms). */
  archivedIn(from: number, to: number): string[];
  maxPushMs: number;
}

/**
 * Samples pg_stat_archiver every `everyMs` until stopped. Readable by any
 * role (the app's pool is enough). Segment names of one timeline sort in WAL
 * order, so "not archived" is "a name above the newest archived one".
 */
export function watchArchive(sql: Sql, everyMs = 250): { stop(): Promise<ArchiveLag> } {
  const samples: ArchiveSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const [row] = await sql<{ at: number; current: string; archived: string | null; archived_at: number | null }>(
        `select extract(epoch from clock_timestamp())::float8 * 1000 as at,
                pg_walfile_name(pg_current_wal_lsn()) as current,
                last_archived_wal as archived,
                extract(epoch from last_archived_time)::float8 * 1000 as archived_at
           from pg_stat_archiver`,
      );
      samples.push({ at: row!.at, current: row!.current, archived: row!.archived, archivedAt: row!.archived_at });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return summarize(samples);
    },
  };
}

function summarize(samples: ArchiveSample[]): ArchiveLag {
  let maxExposureMs = 0;
  for (const sample of samples) {
    // The first moment the primary wrote WAL the archive does not hold yet (as of this sample).
    const oldest = samples.find((s) => s.at <= sample.at && (sample.archived === null || s.current > sample.archived));
    if (oldest) maxExposureMs = Math.max(maxExposureMs, sample.at - oldest.at);
  }
  // A segment is complete when the primary moves past it (first sample writing a later one);
  // pushed when pg_stat_archiver names it.
  let maxPushMs = 0;
  for (let i = 1; i < samples.length; i += 1) {
    const done = samples[i - 1]!.current;
    if (samples[i]!.current === done) continue;
    const pushed = samples.find((s) => s.archived !== null && s.archived >= done && s.archivedAt !== null);
    if (pushed) maxPushMs = Math.max(maxPushMs, pushed.archivedAt! - samples[i - 1]!.at);
  }
  return {
    samples,
    maxExposureMs,
    maxPushMs,
    archivedIn(from, to) {
      const inWindow = samples.filter((s) => s.at >= from && s.at <= to);
      const before = samples.filter((s) => s.at < from).at(-1)?.archived ?? null;
      return [...new Set(inWindow.map((s) => s.archived))].filter(
        (name): name is string => name !== null && (before === null || name > before),
      );
    },
  };
}
