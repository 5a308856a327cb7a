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
  const input = {
    username: textField(form, 'username'),
    email: textField(form, 'email'),
    password: textField(form, 'password'),
    password2: textField(form, 'password2'),
  };
  const account = `account:${canonicalUsername(input.username)}`;
  // Passwords are never sent back into the page.
  const echo = { username: input.username, email: input.email };

  const limits = await authLimits();
  const accountWait = await limits.registerPerAccount.waitMs(account);
  // Every attempt counts against the address: mass sign-ups mostly succeed.
  const addressWait = await limits.registerPerAddress.count(`address:${clientAddress(event)}`);
  if (accountWait > 0 || addressWait > 0) return tooManyAttempts(event, Math.max(accountWait, addressWait), echo);

  const db = await database();
  let user;
  try {
    user = await db.users.register(input);
  } catch (cause) {
    if (isDomainError(cause) && cause.kind === 'invalid') {
      await limits.registerPerAccount.count(account);
      return fail(400, { error: cause.message, ...echo });
    }
    throw cause;
  }
  // Signed in at once, as a sign-in would (the sign-in limits are not spent: no password was guessed).
  await startSession(event, user.id, 'You were signed up and signed in');
  redirect(303, '/');
};
