import { type RateLimiterAbstract, RLWrapperTimeouts } from 'rate-limiter-flexible';

type Operation = 'consume' | 'penalty' | 'reward' | 'get' | 'set' | 'block' | 'delete';

/**
 * rate-limiter-flexible's RLWrapperTimeouts (Redis first, the insurance
 * limiter when Redis takes longer than `timeoutMs`), with one difference: a
 * busy event loop is not taken for a slow Redis. Node runs expired timers
 * before it reads sockets, so after a lag longer than the timeout the timer
 * won even when Redis had answered long before — and each such request was
 * counted by the database as well as Redis, letting a burst through both
 * allowances (seen: 10 of 30 concurrent registrations against an allowance of
 * 5). Here the timer looks once more after the loop has read its sockets
 * (setImmediate runs after that phase) before it gives up on Redis.
 */
export class LagTolerantTimeouts extends RLWrapperTimeouts {
  constructor(
    private readonly primary: RateLimiterAbstract,
    insurance: RateLimiterAbstract,
    private readonly waitMs: number,
  ) {
    super({ limiter: primary, insuranceLimiter: insurance, timeoutMs: waitMs });
  }

  /** Called by RLWrapperTimeouts for every operation; replaces its timer race. */
  _run(operation: Operation, params: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (done: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        done();
      };
      const timer = setTimeout(
        () => setImmediate(() => settle(() => reject(new Error('Operation timed out')))),
        this.waitMs,
      );
      const run = this.primary[operation] as (...args: unknown[]) => Promise<unknown>;
      run.apply(this.primary, params).then(
        (result) => settle(() => resolve(result)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }
}
