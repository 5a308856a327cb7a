import { isDomainError } from '@minitwit/db';
import { fail, redirect } from '@sveltejs/kit';
import { addFlash, setSessionCookie } from '$lib/server/cookies';
import { config } from '$lib/server/config';
import { database } from '$lib/server/database';
import { textField } from '$lib/server/form-fields';
import { addressKey, loginThrottles, usernameKey } from '$lib/server/login-throttle';
import type { PageServerLoadEvent, RequestEvent } from './$types';

export const load = ({ locals }: PageServerLoadEvent) => {
  if (locals.user) redirect(303, '/');
};

export const defaultAction = async ({ request, cookies, url, locals, getClientAddress }: RequestEvent) => {
  const form = await request.formData();
  const username = textField(form, 'username');
  const password = textField(form, 'password');
  const userKeys = [usernameKey(username)];
  const addressKeys = [addressKey(getClientAddress())];

  const waitMs = Math.max(
    loginThrottles.username.retryAfterMs(userKeys),
    loginThrottles.address.retryAfterMs(addressKeys),
  );
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    return fail(429, {
      error: `Too many failed attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      username,
    });
  }

  const db = await database();
  let user;
  try {
    user = await db.users.checkLogin(username, password);
  } catch (cause) {
    if (!isDomainError(cause) || cause.kind !== 'unauthenticated') throw cause;
    loginThrottles.username.recordFailure(userKeys);
    loginThrottles.address.recordFailure(addressKeys);
    return fail(400, { error: cause.message, username });
  }
  loginThrottles.username.recordSuccess(usernameKey(username));

  // A fresh session id at every sign-in; any session this browser carried before ends.
  if (locals.sessionToken) await db.sessions.destroy(locals.sessionToken);
  const ttlMs = config.SESSION_TTL_HOURS * 3_600_000;
  const token = await db.sessions.create(user.id, ttlMs);
  setSessionCookie(cookies, url, token, ttlMs);
  addFlash(cookies, url, 'You were logged in');
  redirect(303, '/');
};
