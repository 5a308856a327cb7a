/** Fewest milliseconds between two resync broadcasts: a flapping Redis must not turn into a resync storm. */
export const RESYNC_SPACING_MS = 500;

/**
 * When a publisher tells every open page to resync (`timeline:resync`):
 * - `restored`: its Redis connection came back — whatever was in flight may be lost;
 * - `failed` then `succeeded`: a publish was refused (Redis down or hung) and
 *   Redis has since answered one — the resync rides on an answering Redis, so
 *   it is not refused itself, and a hung Redis is not sent more to refuse.
 * At most one resync per RESYNC_SPACING_MS; one asked for within it is sent when it ends.
 */
export interface ResyncScheduler {
  restored(): void;
  failed(): void;
  succeeded(): void;
  stop(): void;
}

export function resyncScheduler(resyncAll: () => void): ResyncScheduler {
  let pending = false;
  let lastSent = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
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
    },
    succeeded() {
      if (pending) sendSoon();
    },
    stop() {
      pending = false;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
