import type { RequestEvent } from '@sveltejs/kit';

/**
 * The client's address for the per-address limits. adapter-node throws when
 * ADDRESS_HEADER is set and a request lacks it (it did not come through the
 * proxy); such requests share one bucket instead of failing with a 500.
 */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string {
  try {
    return event.getClientAddress() || 'unknown';
  } catch {
    return 'unknown';
  }
}
