import { error, redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth';
import { addFlash } from '$lib/server/cookies';
import { commands } from '$lib/server/commands';
import { readForm, textField } from '$lib/server/form-fields';
import type { RequestEvent } from './$types';

/** Ids are PostgreSQL integers; anything else names no message. */
const MESSAGE_ID = /^[1-9]\d{0,9}$/;
const MAX_ID = 2_147_483_647;

/** Where to go after the deletion: the page it came from when that is a path of this site, else My Timeline. */
function backTo(field: string, url: URL): string {
  if (!field.startsWith('/')) return '/';
  const target = new URL(field, url.origin);
  return target.origin === url.origin ? target.pathname + target.search : '/';
}

/**
 * `POST /<author>?/delete`: the signed-in author deletes one of their
 * messages (issue 22 item 10). The database decides whose it is, so someone
 * else's message gets a 403 and stays; an unknown or already deleted one a
 * 404. Its command tells every open page to drop it, as for a flag.
 */
export const deleteMessageAction = async ({ locals, request, cookies, url }: RequestEvent) => {
  const viewer = requireUser(locals);
  const form = await readForm(request);
  const idText = textField(form, 'id');
  const id = MESSAGE_ID.test(idText) ? Number(idText) : 0;
  if (id < 1 || id > MAX_ID) error(404, 'Message not found');
  const result = await (await commands()).deleteOwnMessage(viewer.id, id);
  if (result.outcome === 'not_yours') error(403, 'You can only delete your own messages');
  if (result.outcome !== 'deleted') error(404, 'Message not found');
  addFlash(cookies, url, 'Your message was deleted');
  redirect(303, backTo(textField(form, 'back'), url));
};
