import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Headers every response of the web app carries — pages, form answers,
 * error pages, and the static files under /_app/ that adapter-node serves
 * before the app's hooks run. The Content-Security-Policy is per page
 * (nonces) and comes from kit.csp (svelte.config.js).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // Also in the CSP as frame-ancestors 'none'; this is for browsers that predate it.
  'X-Frame-Options': 'DENY',
  // Not even the avatar host learns which page was read.
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

/**
 * Puts the headers on every response of a server before any of its request
 * listeners runs; whatever writes the response later (SvelteKit, the static
 * file server, an error path) merges its own headers with these.
 */
export function applySecurityHeaders(server: Server): void {
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  });
}
