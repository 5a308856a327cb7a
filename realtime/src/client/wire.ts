import type { LiveMessage } from '../contract';

/** A message as a server of this release or of the release before may send it. */
export type WireMessage = Omit<LiveMessage, 'pubMs' | 'mentions'> & { pubMs?: number; mentions?: string[] };

/**
 * During a rolling deploy a page of this release can be served by a realtime
 * server, or sent events by a publisher, of the release before, whose
 * messages carry `pubDate` (ISO) and no `pubMs` or `mentions`. The pipeline
 * test caught the other direction: pages of the release before missed every
 * message once this release's servers sent only `pubMs` (192 of 296).
 */
export function fromWire(message: WireMessage): LiveMessage {
  return {
    ...message,
    pubMs: message.pubMs ?? Date.parse(message.pubDate ?? ''),
    mentions: message.mentions ?? [],
  };
}
