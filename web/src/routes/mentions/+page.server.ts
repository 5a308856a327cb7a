import { redirect } from '@sveltejs/kit';
import type { PageServerLoadEvent } from './$types';

// The loader loads on first use: see "Build" in web/README.md (the build's analysis cannot import TypeScript workspace packages).
const timelines = () => import('$lib/server/timeline-loader');

/** The signed-in reader's Mentions: messages that name them as `@name`, newest first. */
export const load = async ({ locals, url }: PageServerLoadEvent) => {
  if (!locals.user) redirect(303, '/login');
  return { timeline: await (await timelines()).loadTimeline({ kind: 'mentions', userId: locals.user.id }, url) };
};
