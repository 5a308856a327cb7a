import type { TimelineMessage } from '@minitwit/db';
import type { TimelineItem } from '$lib/timeline-item';
import { gravatarUrl } from '@minitwit/realtime';

/** What a browser may see of a message: no email, the avatar address instead. */
export function toTimelineItem(message: TimelineMessage): TimelineItem {
  return {
    id: message.id,
    text: message.text,
    pubMs: message.pubDate.getTime(),
    author: { username: message.author.username, avatarUrl: gravatarUrl(message.author.email) },
  };
}
