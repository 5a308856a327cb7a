import { redirect } from '@sveltejs/kit';
import { commands } from '$lib/server/commands';
import { addFlash, clearSessionCookie } from '$lib/server/cookies';
import type { PageServerLoadEvent, RequestEvent } from './$types';

/** Visiting /logout (the reference's link) asks for confirmation; only the POST signs out. */
export const load = ({ locals }: PageServerLoadEvent) => {
  if (!locals.user) redirect(303, '/public');
};

export const defaultAction = async ({ locals, cookies, url }: RequestEvent) => {
  if (locals.sessionToken) {
    // Its live sockets go too, on every realtime server: My Timeline stops with the session.
    await (await commands()).endSession(locals.sessionToken);
  }
  clearSessionCookie(cookies, url);
  addFlash(cookies, url, 'You were signed out');
  redirect(303, '/public');
};
