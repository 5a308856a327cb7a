/**
 * The one clock every bench process reads: CLOCK_MONOTONIC through
 * process.hrtime, in milliseconds. It is system-wide on Linux, so a time taken
 * in the poster and one taken in a client process compare directly; unlike
 * Date.now() it never steps, and unlike performance.timeOrigin + now() it
 * carries no per-process error from sampling the wall clock at start.
 */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
