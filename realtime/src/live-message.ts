import type { LiveMessage } from './contract';
import { type TimelineMessage, gravatarUrl } from '@minitwit/db';

/** The browser's view of a message, for page data and live events: emails stay on the server. */
export function toLiveMessage(message: TimelineMessage): LiveMessage {
  return {
    id: message.id,
    text: message.text,
    pubMs: message.pubDate.getTime(),
    pubDate: message.pubDate.toISOString(),
    author: {
      id: message.author.id,
      username: message.author.username,
      avatarUrl: gravatarUrl(message.author.email),
    },
    mentions: message.mentions.map((user) => user.username),
  };
}
