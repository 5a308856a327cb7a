import type { WriteRecord } from './writers';

/**
 * The writes' view of a database fault: the longest stretch without an
 * acknowledged write from the fault on, and what every request sent in it
 * got. The stretch runs from the last acknowledgement before it to the first
 * one after it — how long a writer retrying at once waited.
 */
export interface WriteGap {
  /** The longest time (ms) between two acknowledgements, from the last one before `faultAt` on. */
  gapMs: number;
  /** When it started and ended (ms since epoch). */
  from: number;
  to: number;
  /** Requests sent within it, whatever they got: what the simulator saw while nothing could be written. */
  during: WriteRecord[];
  /** The slowest answer among them (ms). */
  slowestMs: number;
}

export function writeGap(records: readonly WriteRecord[], faultAt: number, ok = 204): WriteGap {
  const acks = records
    .filter((r) => r.status === ok)
    .map((r) => r.answeredAt)
    .sort((a, b) => a - b);
  const lastBefore = acks.filter((at) => at <= faultAt).at(-1) ?? faultAt;
  const after = acks.filter((at) => at > lastBefore);
  let from = lastBefore;
  let to = after[0] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < after.length; i += 1) {
    if (after[i]! - after[i - 1]! > to - from) {
      from = after[i - 1]!;
      to = after[i]!;
    }
  }
  const during = records.filter((r) => r.sentAt > from && r.sentAt < to);
  return {
    gapMs: to - from,
    from,
    to,
    during,
    slowestMs: during.reduce((max, r) => Math.max(max, r.answeredAt - r.sentAt), 0),
  };
}
