import type { ActionResult } from '@sveltejs/kit';

/**
 * What to tell the person when a form's answer never came or was a server
 * failure: the page, and what they typed, stay. An answer of "no answer"
 * carries no status (the fetch itself failed: offline, connection cut).
 * Null for answers the page handles as usual (redirects, form errors, a 404).
 */
export function notSentText(result: ActionResult, what: string): string | null {
  if (result.type !== 'error') return null;
  if (result.status === undefined)
    return `${what} was not sent: there is no connection to MiniTwit. Check your network and try again.`;
  if (result.status >= 500) return `${what} was not sent: MiniTwit could not take it just now. Try again in a moment.`;
  return null;
}
