import type { Logger } from '@minitwit/monitoring';

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * SvelteKit's cross-site form check (csrf.checkOrigin), done here instead so
 * that a refusal says why: the usual cause is not an attack but a deployment
 * whose ORIGIN (compose: PUBLIC_ORIGIN) is not the address people type, and
 * then every form post fails with the same 403. Same rule and answer as
 * SvelteKit's: a form-encoded write whose Origin is not the app's own.
 * Returns the 403 to send, or null to go on.
 */
export function refuseCrossSiteForm(request: Request, url: URL, logger: Logger): Response | null {
  if (!WRITE_METHODS.has(request.method)) return null;
  const type = request.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!FORM_TYPES.includes(type)) return null;
  const received = request.headers.get('origin');
  if (received === url.origin) return null;
  logger.warn('form post refused: origin mismatch', {
    expected: url.origin,
    received,
    path: url.pathname,
    hint: 'set ORIGIN (PUBLIC_ORIGIN under docker-compose) to the address people type',
  });
  const message = `Cross-site ${request.method} form submissions are forbidden`;
  return request.headers.get('accept') === 'application/json'
    ? Response.json({ message }, { status: 403 })
    : new Response(message, { status: 403 });
}
