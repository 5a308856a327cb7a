/**
 * Polls `probe` until it returns a value (not undefined) and returns it; a
 * probe that throws counts as "not yet". After `timeoutMs` it throws, naming
 * `what`, the last error, and whatever `context()` adds (a cluster's members).
 */
export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  options: { intervalMs?: number; context?: () => Promise<string> } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const context = options.context ? `; ${await options.context()}` : '';
      throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}${context}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
