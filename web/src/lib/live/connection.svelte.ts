import type { LiveStatus } from '@minitwit/realtime/client';

/**
 * The live connection's state for the rest of the page: the post box says
 * when it is down (issue 22, item 3) while the timeline's indicator stays
 * small. Written only by LiveTimeline's effects, which run in the browser,
 * so the server's copy of this module never leaves 'off'.
 */
export const liveConnection: { status: LiveStatus | 'off' } = $state({ status: 'off' });
