import { statfs } from 'node:fs/promises';

/**
 * Free space the embedded database keeps in reserve: below it, writes are
 * refused. PGlite writes its WAL in 16 MB segments, and on a disk that is
 * really full it does not fail cleanly: the statement that hits ENOSPC gets
 * SQLSTATE 53100, and the next statement spins inside the WASM, blocking the
 * whole process (measured: no timer fired again). So the database must never
 * get there: with this much left it can still finish what it is doing, serve
 * reads, write its shutdown checkpoint and open again.
 */
export const DISK_RESERVE_BYTES = 64 * 1024 * 1024;
/** How often free space is read (one statfs call: microseconds). */
export const DISK_CHECK_MS = 500;

/** What the guard needs of a logger (the services' @minitwit/monitoring logger fits). */
export interface DiskLogger {
  error(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
}

export interface DiskGuard {
  /** True while free space is under the reserve (writes are refused). */
  full(): boolean;
  /** The error a refused write is answered with, naming the cause. */
  refusal(): DiskFullError;
  /** Reads free space now and acts on it (the timer does this every DISK_CHECK_MS). */
  check(): Promise<void>;
  stop(): void;
}

/**
 * A write refused because the disk under the embedded database is (nearly)
 * full. Its `code` is PostgreSQL's `disk_full`, so the front doors answer 503
 * with Retry-After (`isDatabaseUnavailable`), as for a PostgreSQL server whose
 * disk filled up.
 */
export class DiskFullError extends Error {
  readonly code = '53100';
  constructor(message: string) {
    super(message);
    this.name = 'DiskFullError';
  }
}

const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));

async function statfsFree(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/**
 * Watches the free space of the filesystem holding `dir` and calls
 * `setReadOnly(true)` when it falls under `reserveBytes` (and again on every
 * check while it stays there), `false` once it is back above it (with 10 % hysteresis, so a disk hovering at the line does not
 * flip every check). Errors reading the space are ignored: the disk is not
 * known to be full.
 */
export function guardDisk(options: {
  dir: string;
  setReadOnly(readOnly: boolean): Promise<void>;
  logger?: DiskLogger;
  reserveBytes?: number;
  everyMs?: number;
  /** Free bytes on the filesystem of `dir`; tests replace the statfs call. */
  freeBytes?: (dir: string) => Promise<number>;
}): DiskGuard {
  const reserve = options.reserveBytes ?? DISK_RESERVE_BYTES;
  let isFull = false;
  let free = Number.POSITIVE_INFINITY;
  let running: Promise<void> | undefined;
  const describe = () =>
    `the disk holding the embedded database (${options.dir}) has ${mb(free)} MB free, under the ` +
    `${mb(reserve)} MB it keeps in reserve: writes are refused until space is freed`;

  const checkOnce = async () => {
    try {
      free = await (options.freeBytes ?? statfsFree)(options.dir);
    } catch {
      return;
    }
    const next = isFull ? free < reserve * 1.1 : free < reserve;
    // While full the setting is applied again on every check: it lives in PGlite's one session,
    // and nothing but this guard may turn it off, but a session reset must not reopen writes.
    if (next === isFull && !isFull) return;
    try {
      await options.setReadOnly(next);
    } catch (error) {
      // Not applied (the database is busy or closing): the next check tries again.
      options.logger?.error('embedded database: could not change write access for the disk space', { error });
      return;
    }
    if (next === isFull) return;
    isFull = next;
    if (isFull) options.logger?.error(`embedded database: ${describe()}`, { dir: options.dir, freeMb: mb(free) });
    else options.logger?.info('embedded database: disk space is back, writes are accepted again', { freeMb: mb(free) });
  };
  const check = () => (running ??= checkOnce().finally(() => (running = undefined)));
  const timer = setInterval(() => void check(), options.everyMs ?? DISK_CHECK_MS);
  timer.unref();
  return {
    full: () => isFull,
    refusal: () => new DiskFullError(describe()),
    check,
    stop: () => clearInterval(timer),
  };
}
