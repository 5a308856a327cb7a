import { redirect } from '@sveltejs/kit';
import { commands } from '$lib/server/commands';
import { addFlash, clearSessionCookie } from '$lib/server/cookies';
import type { PageServerLoadEvent, RequestEvent } from './$types';

/** Visiting /logout/everywhere asks for confirmation; only the POST signs out. */
export const load = ({ locals }: PageServerLoadEvent) => {
  if (!locals.user) redirect(303, '/public');
};

/**
 * Sign out everywhere: every session of the user ends — a browser left signed
 * in elsewhere, or a stolen cookie — and, through the same `session:ended`
 * path as a single sign-out, their live sockets on every realtime server.
 */
export const defaultAction = async ({ locals, cookies, url }: RequestEvent) => {
  if (locals.user) {
    await (await commands()).endAllSessions(locals.user.id);
  }
  clearSessionCookie(cookies, url);
  addFlash(cookies, url, 'You were signed out everywhere');
  redirect(303, '/public');
};
