import type { Actions, PageServerLoadEvent } from './$types';

// The handlers load on first use: see "Build" in web/README.md (the build's analysis cannot import TypeScript workspace packages).
const handlers = () => import('./handlers');

export const load = async (event: PageServerLoadEvent) => (await handlers()).load(event);

export const actions = {
  follow: async (event) => (await handlers()).followAction(event),
  unfollow: async (event) => (await handlers()).unfollowAction(event),
  delete: async (event) => (await import('./delete-message')).deleteMessageAction(event),
} satisfies Actions;
