/**
 * A message as pages (and, later, the live timeline client) render it. Shared
 * by server and browser; carries no email.
 */
export interface TimelineItem {
  id: number;
  text: string;
  /** Publication time, milliseconds since the epoch (UTC). */
  pubMs: number;
  author: { username: string; avatarUrl: string };
}
