import type { UserSummary } from '@minitwit/db';
import { redirect } from '@sveltejs/kit';

/** For actions that need a signed-in user: the signed-out are sent to sign in, nothing is changed. */
export function requireUser(locals: App.Locals): UserSummary {
  if (!locals.user) redirect(303, '/login');
  return locals.user;
}
