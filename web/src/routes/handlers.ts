import { isDomainError } from '@minitwit/db';
import { fail, redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth';
import { addFlash } from '$lib/server/cookies';
import { database } from '$lib/server/database';
import { readForm, textField } from '$lib/server/form-fields';
import { publisher } from '$lib/server/publisher';
import { loadTimeline } from '$lib/server/timeline-loader';
import type { PageServerLoadEvent, RequestEvent } from './$types';

/** My Timeline: the viewer's messages and those of everyone they follow. */
export const load = async ({ locals, url }: PageServerLoadEvent) => {
  if (!locals.user) redirect(303, '/public');
  return { timeline: await loadTimeline({ kind: 'home', userId: locals.user.id }, url) };
};

export const postAction = async ({ locals, request, cookies, url }: RequestEvent) => {
  const user = requireUser(locals);
  const text = textField(await readForm(request), 'text');
  const db = await database();
  let message;
  try {
    message = await db.messages.post(user.id, text);
  } catch (cause) {
    if (isDomainError(cause) && cause.kind === 'invalid') return fail(400, { error: cause.message, text });
    throw cause;
  }
  (await publisher()).messagePosted(message);
  addFlash(cookies, url, 'Your message was recorded');
  redirect(303, '/');
};
