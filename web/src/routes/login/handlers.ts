import { canonicalUsername, isDomainError } from '@minitwit/db';
import { fail, redirect } from '@sveltejs/kit';
import { authLimits } from '$lib/server/auth-limits';
import { clientAddress } from '$lib/server/client-address';
import { addFlash, setSessionCookie } from '$lib/server/cookies';
import { config } from '$lib/server/config';
import { database } from '$lib/server/database';
import { readForm, textField } from '$lib/server/form-fields';
import { tooManyAttempts } from '$lib/server/too-many';
import type { PageServerLoadEvent, RequestEvent } from './$types';

export const load = ({ locals }: PageServerLoadEvent) => {
  if (locals.user) redirect(303, '/');
};

export const defaultAction = async (event: RequestEvent) => {
  const { request, cookies, url, locals } = event;
  const form = await readForm(request);
  const username = textField(form, 'username');
  const password = textField(form, 'password');
  // One count per user, whichever Unicode spelling of the name each guess uses.
  const account = `account:${canonicalUsername(username)}`;
  const address = `address:${clientAddress(event)}`;

  // A locked account or address is refused before the password is even checked.
  const limits = await authLimits();
  const [accountWait, addressWait] = await Promise.all([
    limits.loginPerAccount.waitMs(account),
    limits.loginPerAddress.waitMs(address),
  ]);
  if (accountWait > 0 || addressWait > 0) {
    return tooManyAttempts(event, Math.max(accountWait, addressWait), { username });
  }

  const db = await database();
  let user;
  try {
    user = await db.users.checkLogin(username, password);
  } catch (cause) {
    if (!isDomainError(cause) || cause.kind !== 'unauthenticated') throw cause;
    await Promise.all([limits.loginPerAccount.count(account), limits.loginPerAddress.count(address)]);
    return fail(400, { error: cause.message, username });
  }
  // Not the address's count: one good account must not unlock guessing at others.
  await limits.loginPerAccount.forget(account);

  // A fresh session id at every sign-in; any session this browser carried before ends.
  if (locals.sessionToken) await db.sessions.destroy(locals.sessionToken);
  const ttlMs = config.SESSION_TTL_HOURS * 3_600_000;
  const token = await db.sessions.create(user.id, ttlMs);
  setSessionCookie(cookies, url, token, ttlMs);
  addFlash(cookies, url, 'You were logged in');
  redirect(303, '/');
};
