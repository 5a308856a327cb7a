/** Every publish reaching no subscriber for this long: this Redis is not the one the realtime servers use. */
export const STRANDED_MS = 2_000;
/** Reconnects at most this often (with no realtime server up at all, every Redis is "stranded"). */
export const RECONNECT_SPACING_MS = 5_000;

/**
 * Notices a publisher whose Redis no realtime server listens to: every
 * publish, beats included, answered with 0 receivers for `STRANDED_MS`.
 * Seen in the multi-host run when the primary's host returned: that host's
 * old Redis container came back beside the one Swarm had started elsewhere,
 * a replica on the host connected to it, and ~1,300 messages it answered 204
 * went to no page. Called with each publish's receivers; `reconnect` runs
 * once per stranding, spaced.
 */
export function strandedRedis(reconnect: () => void, now: () => number = Date.now) {
  let strandedSince: number | undefined;
  let lastReconnectAt = Number.NEGATIVE_INFINITY;
  return {
    answered(receivers: number) {
      const at = now();
      if (receivers > 0) {
        strandedSince = undefined;
        return;
      }
      strandedSince ??= at;
      if (at - strandedSince < STRANDED_MS || at - lastReconnectAt < RECONNECT_SPACING_MS) return;
      lastReconnectAt = at;
      strandedSince = undefined;
      reconnect();
    },
  };
}
