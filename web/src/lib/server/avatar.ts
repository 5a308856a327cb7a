import { createHash } from 'node:crypto';

/**
 * Gravatar's address for an email: md5 of the trimmed, lower-cased address,
 * identicon when the person has none. Computed on the server so emails never
 * reach the browser.
 */
export function gravatarUrl(email: string, size = 48): string {
  const hash = createHash('md5').update(email.trim().toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?d=identicon&s=${size}`;
}
