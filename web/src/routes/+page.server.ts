import type { Actions, PageServerLoadEvent } from './$types';

// The handlers load on first use: see "Build" in web/README.md (the build's analysis cannot import TypeScript workspace packages).
const handlers = () => import('./handlers');
const suggestions = () => import('$lib/server/suggestions');

export const load = async (event: PageServerLoadEvent) => {
  const data = await (await handlers()).load(event);
  // load redirects the signed-out, so there is a viewer here.
  const viewer = event.locals.user;
  return {
    ...data,
    suggestions: viewer ? await (await suggestions()).suggestionsFor(viewer.id, data.timeline) : [],
  };
};

export const actions = {
  post: async (event) => (await handlers()).postAction(event),
} satisfies Actions;
