import type { Cookies } from '@sveltejs/kit';
import { addFlash, setSessionCookie } from './cookies';
import { config } from './config';
import { database } from './database';

/**
 * Signs a user in on this browser: a fresh session id every time, and any
 * session the browser carried before ends. Sign-in and sign-up both end here,
 * so a new account is signed in exactly as a returning one.
 */
export async function startSession(
  event: { cookies: Cookies; url: URL; locals: App.Locals },
  userId: number,
  flash: string,
): Promise<void> {
  const { cookies, url, locals } = event;
  const db = await database();
  if (locals.sessionToken) await db.sessions.destroy(locals.sessionToken);
  const ttlMs = config.SESSION_TTL_HOURS * 3_600_000;
  const token = await db.sessions.create(userId, ttlMs);
  setSessionCookie(cookies, url, token, ttlMs);
  addFlash(cookies, url, flash);
}
