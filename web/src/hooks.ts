import type { Reroute } from '@sveltejs/kit';
import { UNROUTED_PATH, isOperatorPath } from '$lib/operator-paths';

/**
 * Operator paths in any spelling go to a path no route matches: otherwise
 * `/metrics/` would match the user-page route and get SvelteKit's
 * trailing-slash redirect before hooks.server.ts could answer it 404.
 */
export const reroute: Reroute = ({ url }) => (isOperatorPath(url.pathname) ? UNROUTED_PATH : undefined);
