import { sessionIdOf } from '@minitwit/db';
import { redirect } from '@sveltejs/kit';
import { addFlash, clearSessionCookie } from '$lib/server/cookies';
import { database } from '$lib/server/database';
import { publisher } from '$lib/server/publisher';
import type { PageServerLoadEvent, RequestEvent } from './$types';

/** Visiting /logout (the reference's link) asks for confirmation; only the POST signs out. */
export const load = ({ locals }: PageServerLoadEvent) => {
  if (!locals.user) redirect(303, '/public');
};

export const defaultAction = async ({ locals, cookies, url }: RequestEvent) => {
  if (locals.sessionToken) {
    const db = await database();
    await db.sessions.destroy(locals.sessionToken);
    // Its live sockets go too, on every realtime server: My Timeline stops with the session.
    (await publisher()).sessionEnded(sessionIdOf(locals.sessionToken));
  }
  clearSessionCookie(cookies, url);
  addFlash(cookies, url, 'You were signed out');
  redirect(303, '/public');
};
