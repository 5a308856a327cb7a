import { takeFlashes } from '$lib/server/cookies';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, cookies, url }) => {
  // Reading the path makes this load run again on every client navigation (SvelteKit tracks it), so a
  // flash shows on the page it was set for and the next page's empty list replaces it (issue 22, item 6).
  void url.pathname;
  return {
    user: locals.user ? { username: locals.user.username } : null,
    flashes: takeFlashes(cookies, url),
  };
};
