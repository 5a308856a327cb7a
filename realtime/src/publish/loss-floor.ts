/**
 * How far before the first sign of a loss the floor goes back: publishes from
 * different processes reach Redis a little out of id order, and a busy
 * process can be late with one. Re-reading that much again costs a backlog
 * page at most; the pages drop what they already show.
 */
export const LOSS_MARGIN_MS = 2_000;

/** One checkpoint per this long at most; the floor is found to within it (far less than the margin). */
const CHECKPOINT_MS = 100;
/** Checkpoints kept: far more than the margin, so a floor is found even for a late-noticed loss. */
const HISTORY_MS = 30_000;

export interface LossFloor {
  /** A live message went out (was published, or was written to a socket). */
  sent(id: number): void;
  /**
   * Events may be lost from now on (connection lost, a publish refused). The margin counts back
   * from the last send if that was earlier: a peer that vanished with its host is noticed only
   * when a heartbeat or keepalive runs out, seconds after the last message it passed on, and an
   * id just below that one may have been on its way. Only the first of an outage counts.
   */
  lost(): void;
  /**
   * For the `timeline:resync` after the loss: the newest id that surely went
   * out before it (pages read again above it), undefined when nothing went
   * out live before it (pages then read from their newest id, which only
   * backlogs gave them). The next loss after this starts a new floor.
   */
  take(): number | undefined;
  /**
   * The newest id that went out by `time` (epoch ms), as a floor to re-read
   * above when a peer vanished after it (a publisher gone silent, whose
   * last writes may never have been published). Leaves the loss state alone.
   */
  floorBefore(time: number): number | undefined;
}

/**
 * Why: a page's newest id is not where its gap begins when live events were
 * lost — messages that did arrive after the loss carry it past the lost
 * ones. Whoever loses events (a realtime server's subscription, a publisher's
 * connection) knows which ids it had sent before; the resync carries that.
 */
export function lossFloor(marginMs = LOSS_MARGIN_MS, settledId?: number): LossFloor {
  const checkpoints: Array<{ began: number; at: number; id: number }> = [];
  // `settledId`: everything up to it is known to have gone out long ago (a page's server-rendered newest).
  let prunedId: number | undefined = settledId;
  let firstId: number | undefined;
  let newest = 0;
  let inLoss = false;
  let floor: number | undefined;
  let taken = true;

  const floorAt = (time: number): number | undefined => {
    for (let i = checkpoints.length - 1; i >= 0; i -= 1) {
      if (checkpoints[i]!.at <= time) return checkpoints[i]!.id;
    }
    if (prunedId !== undefined) return prunedId;
    // Everything that went out went out within the margin: only what came before the first is sure.
    return firstId === undefined ? undefined : firstId - 1;
  };

  return {
    sent(id) {
      inLoss = false;
      firstId ??= id;
      if (id <= newest) return;
      newest = id;
      const now = Date.now();
      const last = checkpoints.at(-1);
      // Within CHECKPOINT_MS of when the last checkpoint began, it moves on (to this id, now);
      // measured from its last move instead, a steady stream (100 a second) kept one checkpoint
      // moving with it, always newer than the margin, and every floor fell back to the first id.
      if (last && now - last.began < CHECKPOINT_MS) {
        last.id = id;
        last.at = now;
      } else checkpoints.push({ began: now, at: now, id });
      while (checkpoints.length > 0 && now - checkpoints[0]!.at > HISTORY_MS) prunedId = checkpoints.shift()!.id;
    },
    lost() {
      if (inLoss) return;
      inLoss = true;
      // The newest checkpoint moved with the last send: its time is when this last sent.
      const lastSentAt = checkpoints.at(-1)?.at ?? Date.now();
      const candidate = floorAt(Math.min(Date.now(), lastSentAt) - marginMs);
      if (taken) floor = candidate;
      // Another loss before the resync went out must not raise the floor.
      else if (candidate !== undefined) floor = floor === undefined ? candidate : Math.min(floor, candidate);
      taken = false;
    },
    take() {
      taken = true;
      return floor;
    },
    floorBefore: floorAt,
  };
}
