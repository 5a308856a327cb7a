import type { Actions, PageServerLoadEvent } from './$types';

// The handlers load on first use: see "Build" in web/README.md (the build's analysis cannot import TypeScript workspace packages).
const handlers = () => import('./handlers');

export const load = async (event: PageServerLoadEvent) => (await handlers()).load(event);

export const actions = {
  default: async (event) => (await handlers()).defaultAction(event),
} satisfies Actions;
