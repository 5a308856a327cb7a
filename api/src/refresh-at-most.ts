/**
 * A value read at most once per `maxAgeMs`, with at most one read in flight:
 * every caller in between shares the last value (or the read under way). A
 * failed read is not kept, so the next caller tries again.
 */
export function refreshAtMost<T>(read: () => Promise<T>, maxAgeMs: number, now: () => number = Date.now) {
  let last: { value: T; at: number } | undefined;
  let pending: Promise<T> | undefined;
  return (): Promise<T> => {
    if (last && now() - last.at < maxAgeMs) return Promise.resolve(last.value);
    pending ??= read().then(
      (value) => {
        last = { value, at: now() };
        pending = undefined;
        return value;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}
