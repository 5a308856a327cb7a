import type { Database } from '@minitwit/db';
import type { Logger } from '@minitwit/monitoring';

/**
 * Expired sessions are refused on every lookup, but their rows stayed for
 * good (issue 19 finding 7): a table that only grows, and hashes of old
 * tokens kept for no reason. The web app purges them: it is the sessions'
 * owner (it creates and ends them; the realtime servers only read them) and
 * runs wherever anyone can sign in. Every replica runs the purge; several at
 * once is harmless (SessionStore.purgeExpired takes disjoint batches).
 */
export const PURGE_EVERY_MS = 60 * 60_000;

/** The first purge waits this long at most, at random: a deploy's replicas do not all start it together. */
const FIRST_PURGE_WITHIN_MS = 60_000;

export interface SessionPurgeOptions {
  everyMs?: number;
  firstWithinMs?: number;
}

/** Starts purging on a timer that never keeps the process alive; the returned function stops it. */
export function startSessionPurge(
  db: Pick<Database, 'sessions'>,
  logger: Logger,
  options: SessionPurgeOptions = {},
): () => void {
  const everyMs = options.everyMs ?? PURGE_EVERY_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void purge(), ms);
    timer.unref();
  };
  const purge = async () => {
    try {
      const purged = await db.sessions.purgeExpired();
      if (purged > 0) logger.info('expired sessions purged', { purged });
    } catch (error) {
      // The database may be away for a moment (a failover): the next round tries again.
      logger.warn('purging expired sessions failed', { error });
    }
    schedule(everyMs);
  };
  schedule(Math.random() * (options.firstWithinMs ?? FIRST_PURGE_WITHIN_MS));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
