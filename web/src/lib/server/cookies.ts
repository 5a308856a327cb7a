import type { Cookies } from '@sveltejs/kit';

/**
 * The realtime servers read the session at the socket handshake, so this is
 * the sessions' name (`SESSION_COOKIE` of @minitwit/db; a test keeps
 * them equal). Not imported from there: +layout.server.ts imports this file,
 * and SvelteKit's build analysis cannot load TypeScript workspace packages.
 */
export const SESSION_COOKIE = 'session';
const FLASH_COOKIE = 'minitwit_flash';

/**
 * httpOnly keeps the token from scripts; SameSite=Lax keeps it off cross-site
 * POSTs; Secure whenever the site is reached over HTTPS (behind a proxy,
 * adapter-node's ORIGIN / PROTOCOL_HEADER tell us so).
 */
function baseOptions(url: URL) {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' } as const;
}

export function setSessionCookie(cookies: Cookies, url: URL, token: string, ttlMs: number): void {
  cookies.set(SESSION_COOKIE, token, { ...baseOptions(url), maxAge: Math.floor(ttlMs / 1000) });
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
  cookies.delete(SESSION_COOKIE, baseOptions(url));
}

/**
 * Flashes survive exactly one redirect: an action stores them, the next page
 * load (root layout) takes them. A cookie rather than the session, because
 * signed-out visitors get flashes too (registration, logout).
 */
export function addFlash(cookies: Cookies, url: URL, text: string): void {
  const flashes = [...readFlashes(cookies), text];
  cookies.set(FLASH_COOKIE, JSON.stringify(flashes), { ...baseOptions(url), maxAge: 60 });
}

export function takeFlashes(cookies: Cookies, url: URL): string[] {
  const flashes = readFlashes(cookies);
  if (flashes.length > 0) cookies.delete(FLASH_COOKIE, baseOptions(url));
  return flashes;
}

function readFlashes(cookies: Cookies): string[] {
  const raw = cookies.get(FLASH_COOKIE);
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string').slice(0, 5) : [];
  } catch {
    return [];
  }
}
