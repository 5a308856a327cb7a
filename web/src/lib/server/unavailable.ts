import { isDatabaseUnavailable } from '@minitwit/db';

/**
 * When the database is down or restarting, the web app answers 503 with
 * Retry-After, at once (the pool gives up within 2 s), instead of a 500 that
 * looks like a bug or a request left hanging. SvelteKit's `handleError` cannot
 * choose the status, so it marks the request and `handle` rewrites the 500.
 */
export const UNAVAILABLE_MESSAGE = 'MiniTwit is briefly unavailable. Please try again in a moment.';

export { isDatabaseUnavailable };

/** A 500 caused by the database being away becomes a 503 with Retry-After, body and headers kept. */
export function asUnavailable(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('Retry-After', '1');
  return new Response(response.body, { status: 503, statusText: 'Service Unavailable', headers });
}

/** For failures before any page is rendered (the session lookup in `handle`). */
export function unavailableResponse(): Response {
  return new Response(`<!doctype html><title>Unavailable | MiniTwit</title><p>${UNAVAILABLE_MESSAGE}</p>`, {
    status: 503,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': '1', 'Cache-Control': 'no-store' },
  });
}
