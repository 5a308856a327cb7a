import { RELATIVE_TICK_MS } from '$lib/relative-time';

/**
 * One clock for every relative time on the page: one timer however many
 * messages are shown, running only while at least one of them is.
 */
class Clock {
  now = $state(Date.now());
  #users = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Starts ticking for one more user; the returned function stops it for that user. */
  use(): () => void {
    this.#users += 1;
    if (this.#users === 1) {
      this.now = Date.now();
      this.#timer = setInterval(() => (this.now = Date.now()), RELATIVE_TICK_MS);
    }
    return () => {
      this.#users -= 1;
      if (this.#users === 0) clearInterval(this.#timer);
    };
  }
}

export const clock = new Clock();
