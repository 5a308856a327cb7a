import { randomUUID } from 'node:crypto';
import { isDomainError } from '@minitwit/db';
import { fail, redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth';
import { addFlash } from '$lib/server/cookies';
import { commands } from '$lib/server/commands';
import { readForm, textField } from '$lib/server/form-fields';
import { loadTimeline } from '$lib/server/timeline-loader';
import type { PageServerLoadEvent, RequestEvent } from './$types';

/** My Timeline: the viewer's messages and those of everyone they follow. */
export const load = async ({ locals, url }: PageServerLoadEvent) => {
  if (!locals.user) redirect(303, '/public');
  return {
    timeline: await loadTimeline({ kind: 'home', userId: locals.user.id }, url),
    // One per rendered post form: submitting that form again records nothing new (issue 22, item 2).
    postToken: randomUUID(),
  };
};

export const postAction = async ({ locals, request, cookies, url }: RequestEvent) => {
  const user = requireUser(locals);
  const form = await readForm(request);
  const text = textField(form, 'text');
  const run = await commands();
  try {
    // A replayed token answers as the first submit did.
    await run.postMessage(user.id, text, textField(form, 'token'));
  } catch (cause) {
    if (isDomainError(cause) && cause.kind === 'invalid') return fail(400, { error: cause.message, text });
    throw cause;
  }
  addFlash(cookies, url, 'Your message was recorded');
  redirect(303, '/');
};
