import { type TimelineMessage, gravatarUrl } from '@minitwit/db';
import type { TimelineItem } from '$lib/timeline-item';

/** What a browser may see of a message: no email, the avatar address instead. */
export function toTimelineItem(message: TimelineMessage): TimelineItem {
  return {
    id: message.id,
    text: message.text,
    pubMs: message.pubDate.getTime(),
    author: { username: message.author.username, avatarUrl: gravatarUrl(message.author.email) },
  };
}
