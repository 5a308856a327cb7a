import { createHash } from 'node:crypto';

/**
 * The author picture used everywhere a message is shown (SPEC §2): md5 of the
 * trimmed, lower-cased email, identicon fallback, 48 px. Exported so the web
 * app's server render and the live payloads produce the same URL.
 */
export function gravatarUrl(email: string, size = 48): string {
  const hash = createHash('md5').update(email.trim().toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?d=identicon&s=${size}`;
}
