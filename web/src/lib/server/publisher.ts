import { type TimelinePublisher, noopPublisher } from '@minitwit/realtime';

/**
 * The one place the web app gets its live-timeline publisher from; every
 * committed post, follow and unfollow is reported through it. A no-op until
 * the realtime package provides the real one.
 */
export function publisher(): TimelinePublisher {
  return noopPublisher;
}
