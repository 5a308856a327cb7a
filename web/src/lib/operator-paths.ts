/**
 * The operator endpoints' names. The web app serves them on its internal port
 * only (lib/server/internal-listener.ts); on the public port no spelling of
 * them may answer: not `/METRICS`, not `/metrics/` (SvelteKit would redirect
 * it first), not `/metrics/__data.json` (SvelteKit strips the suffix before
 * the hooks see the path: that is how the old hook answered it, issue 19),
 * not `/%6Detrics`.
 */
const OPERATOR_PATHS = new Set(['/metrics', '/healthz']);

/** Where `reroute` sends them: a path no route matches, so SvelteKit neither redirects nor renders a page for it. */
export const UNROUTED_PATH = '/__operator-endpoints-are-internal/refused';

/** Whether a request path is an operator endpoint in any spelling: case, escapes, repeated or trailing slashes. */
export function isOperatorPath(pathname: string): boolean {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // Broken escapes: compare the raw path.
  }
  const normalised = decoded
    .toLowerCase()
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '');
  return OPERATOR_PATHS.has(normalised);
}
