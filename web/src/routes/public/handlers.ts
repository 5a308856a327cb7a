import { loadTimeline } from '$lib/server/timeline-loader';
import type { PageServerLoadEvent } from './$types';

export const load = async ({ url }: PageServerLoadEvent) => ({
  timeline: await loadTimeline({ kind: 'public' }, url),
});
