import { canonicalUsername, isDomainError } from '@minitwit/db';
import { fail, redirect } from '@sveltejs/kit';
import { authLimits } from '$lib/server/auth-limits';
import { clientAddress } from '$lib/server/client-address';
import { database } from '$lib/server/database';
import { readForm, textField } from '$lib/server/form-fields';
import { startSession } from '$lib/server/start-session';
import { tooManyAttempts } from '$lib/server/too-many';
import type { PageServerLoadEvent, RequestEvent } from './$types';

export const load = ({ locals }: PageServerLoadEvent) => {
  if (locals.user) redirect(303, '/');
};

export const defaultAction = async (event: RequestEvent) => {
  const { request } = event;
  const form = await readForm(request);
  const username = textField(form, 'username');
  const password = textField(form, 'password');
  // One count per user, whichever Unicode spelling of the name each guess uses.
  const account = `account:${canonicalUsername(username)}`;
  const address = `address:${clientAddress(event)}`;
  const pair = `${account}|${address}`;

  // Every attempt is counted before the password is checked, each count one atomic step of the
  // store: a burst of concurrent guesses cannot all pass a check that they have not yet counted in.
  const limits = await authLimits();
  // The account-wide allowance is for addresses the account never signed in from:
  // spending it from elsewhere cannot lock the owner out of their own (docs/decisions.md).
  const known = await limits.knownAddresses.has(pair);
  const waits = await Promise.all([
    limits.loginPerAccountAndAddress.count(pair),
    limits.loginPerAddress.count(address),
    known ? 0 : limits.loginPerAccount.count(account),
  ]);
  const wait = Math.max(...waits);
  if (wait > 0) return tooManyAttempts(event, wait, { username });

  const db = await database();
  let user;
  try {
    user = await db.users.checkLogin(username, password);
  } catch (cause) {
    if (!isDomainError(cause) || cause.kind !== 'unauthenticated') throw cause;
    return fail(400, { error: cause.message, username });
  }
  // The account's failures start over; the address only gets this attempt back,
  // so one good account does not unlock guessing at others.
  await Promise.all([
    limits.loginPerAccountAndAddress.forget(pair),
    known ? undefined : limits.loginPerAccount.forget(account),
    limits.loginPerAddress.giveBack(address),
    limits.knownAddresses.remember(pair),
  ]);

  await startSession(event, user.id, 'You were signed in');
  redirect(303, '/');
};
