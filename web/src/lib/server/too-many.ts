import { type RequestEvent, fail } from '@sveltejs/kit';
import { retryAfterSeconds } from '@minitwit/redis';

/** The 429 a limited form action answers: a Retry-After header, and the wait in words on the form. */
export function tooManyAttempts<Extra extends Record<string, unknown>>(
  event: Pick<RequestEvent, 'setHeaders'>,
  waitMs: number,
  extra: Extra,
) {
  const seconds = retryAfterSeconds(waitMs);
  event.setHeaders({ 'Retry-After': String(seconds) });
  const wait = seconds < 120 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
  return fail(429, { error: `Too many attempts. Try again in ${wait}.`, ...extra });
}
