import type { LiveMessage } from './contract';
import { type TimelineMessage, gravatarUrl } from '@minitwit/db';

/** The browser's view of a message: emails stay on the server. */
export function toLiveMessage(message: TimelineMessage): LiveMessage {
  return {
    id: message.id,
    text: message.text,
    pubDate: message.pubDate.toISOString(),
    author: {
      id: message.author.id,
      username: message.author.username,
      avatarUrl: gravatarUrl(message.author.email),
    },
  };
}
