import { isDomainError } from '@minitwit/db';
import { fail, redirect } from '@sveltejs/kit';
import { addFlash } from '$lib/server/cookies';
import { database } from '$lib/server/database';
import { textField } from '$lib/server/form-fields';
import type { PageServerLoadEvent, RequestEvent } from './$types';

export const load = ({ locals }: PageServerLoadEvent) => {
  if (locals.user) redirect(303, '/');
};

export const defaultAction = async ({ request, cookies, url }: RequestEvent) => {
  const form = await request.formData();
  const input = {
    username: textField(form, 'username'),
    email: textField(form, 'email'),
    password: textField(form, 'password'),
    password2: textField(form, 'password2'),
  };
  const db = await database();
  try {
    await db.users.register(input);
  } catch (cause) {
    if (isDomainError(cause) && cause.kind === 'invalid') {
      // Passwords are never sent back into the page.
      return fail(400, { error: cause.message, username: input.username, email: input.email });
    }
    throw cause;
  }
  addFlash(cookies, url, 'You were successfully registered and can login now');
  redirect(303, '/login');
};
