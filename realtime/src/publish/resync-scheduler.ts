/** Fewest milliseconds between two resync broadcasts: a flapping Redis must not turn into a resync storm. */
export const RESYNC_SPACING_MS = 500;
/**
 * A resync still owed this long after a refused publish is sent without waiting for another
 * publish: a replica may get no more writes (its host came back from a partition and Swarm is
 * about to stop it), and the pages would keep the gap until it did.
 */
export const RESYNC_RETRY_MS = 1_000;

/**
 * When a publisher tells every open page to resync (`timeline:resync`):
 * - `restored`: its Redis connection came back — whatever was in flight may be lost;
 * - `failed` then `succeeded`: a publish was refused (Redis down or hung) and
 *   Redis has since answered one — the resync rides on an answering Redis, so
 *   it is not refused itself; or RESYNC_RETRY_MS passed without one (one
 *   resync a second is all a hung Redis is sent more to refuse).
 * At most one resync per RESYNC_SPACING_MS; one asked for within it is sent when it ends. One still
 * owed RESYNC_RETRY_MS after a refusal is sent then (refused again, it stays owed), and `flush`
 * sends one still owed at once, before the connection closes.
 */
export interface ResyncScheduler {
  restored(): void;
  failed(): void;
  /**
   * A loss whose resync waits for a publish that goes through (or `flush`), never for a timer:
   * a write whose outcome is unknown lost the database, and pages told to re-read while it is
   * still away would only fail and retry.
   */
  owed(): void;
  succeeded(): void;
  flush(): void;
  stop(): void;
}

export function resyncScheduler(resyncAll: () => void): ResyncScheduler {
  let pending = false;
  let lastSent = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  const send = () => {
    timer = undefined;
    pending = false;
    lastSent = Date.now();
    resyncAll();
  };
  const sendSoon = () => {
    if (timer) return;
    const wait = lastSent + RESYNC_SPACING_MS - Date.now();
    if (wait <= 0) return send();
    timer = setTimeout(send, wait);
    timer.unref();
  };
  return {
    restored: sendSoon,
    failed() {
      pending = true;
      if (retry) return;
      retry = setTimeout(() => {
        retry = undefined;
        if (pending) sendSoon();
      }, RESYNC_RETRY_MS);
      retry.unref();
    },
    owed() {
      pending = true;
    },
    succeeded() {
      if (pending) sendSoon();
    },
    flush() {
      if (!pending && !timer) return;
      clearTimeout(timer);
      send();
    },
    stop() {
      pending = false;
      clearTimeout(timer);
      clearTimeout(retry);
      timer = undefined;
      retry = undefined;
    },
  };
}
