/**
 * One spelling per name. `é` can be one code point or `e` + U+0301; both look
 * the same, so a name is stored and looked up in Unicode NFC: signing in or
 * visiting `/<name>` with the other spelling finds the same user, and
 * registering it finds the name taken.
 */
export function canonicalUsername(name: string): string {
  return name.normalize('NFC');
}

/**
 * Names that are paths of ours, so a user page at `/<name>` would be shadowed
 * by, or be mistaken for, the site itself: the web app's top-level routes and
 * static files, the simulator API's paths, what the proxy routes elsewhere,
 * and the segments a URL resolves away. `web/src/reserved-routes.test.ts` and
 * `api/src/reserved-paths.test.ts` fail when a route is added but not listed.
 */
export const RESERVED_USERNAMES: readonly string[] = [
  // web/src/routes and web/static, plus SvelteKit's own paths.
  'login',
  'logout',
  'register',
  'public',
  'mentions',
  'favicon.svg',
  '_app',
  '__data.json',
  // The operations endpoints (web hook and API).
  'healthz',
  'metrics',
  // The simulator API (api/src/routes).
  'latest',
  'msgs',
  'fllws',
  'openapi.json',
  'docs',
  // The proxy sends /socket.io/ to the realtime servers.
  'socket.io',
  // Browsers resolve `/.` and `/..` (even percent-encoded) before sending.
  '.',
  '..',
  // Paths clients and crawlers ask every site for.
  '.well-known',
  'robots.txt',
  'favicon.ico',
];

/** NFKC and lower case: `Login`, `LOGIN` and fullwidth `ｌｏｇｉｎ` all read as the route `login`. */
const folded = (name: string): string => name.normalize('NFKC').toLowerCase();

const RESERVED = new Set(RESERVED_USERNAMES.map(folded));

export function isReservedUsername(name: string): boolean {
  return RESERVED.has(folded(name));
}

/** Leading, trailing or doubled spaces: HTML shows `bob  b` as `bob b`, and `alice ` as `alice`. */
export function hasStraySpace(name: string): boolean {
  return name.startsWith(' ') || name.endsWith(' ') || name.includes('  ');
}
