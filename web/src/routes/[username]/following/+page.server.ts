import type { PageServerLoadEvent } from './$types';

// Loads on first use: see "Build" in web/README.md (the build's analysis cannot import TypeScript workspace packages).
const loader = () => import('$lib/server/follow-list-loader');

export const load = async ({ params, url }: PageServerLoadEvent) =>
  (await loader()).loadFollowList('following', params.username, url);
