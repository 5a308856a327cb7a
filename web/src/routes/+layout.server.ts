import { takeFlashes } from '$lib/server/cookies';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, cookies, url }) => ({
  user: locals.user ? { username: locals.user.username } : null,
  flashes: takeFlashes(cookies, url),
});
