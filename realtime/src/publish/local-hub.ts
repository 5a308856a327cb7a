import type { TimelinePublisher } from '../publisher';

/**
 * Without Redis everything runs in one process (`npm start`): the web app and
 * the api publish to the realtime server living beside them. The web app's
 * server code may be loaded as a separate module graph (Vite/SvelteKit), so
 * the registry lives on globalThis, like the shared database.
 */
const KEY = Symbol.for('minitwit.realtime.localServers');

type Registry = { [KEY]?: Set<TimelinePublisher> };

function servers(): Set<TimelinePublisher> {
  const registry = globalThis as Registry;
  registry[KEY] ??= new Set();
  return registry[KEY];
}

/** A realtime server in this process announces itself; the returned function withdraws it. */
export function registerLocalServer(publisher: TimelinePublisher): () => void {
  servers().add(publisher);
  return () => {
    servers().delete(publisher);
  };
}

/**
 * Publishes to the realtime servers of this process, whenever they register:
 * a write made before the server is up has no open page to reach anyway.
 */
export const inProcessPublisher: TimelinePublisher = {
  messagePosted(message) {
    for (const server of servers()) server.messagePosted(message);
  },
  followChanged(change) {
    for (const server of servers()) server.followChanged(change);
  },
  messagesFlagged(messages) {
    for (const server of servers()) server.messagesFlagged(messages);
  },
  sessionEnded(sessionIds) {
    for (const server of servers()) server.sessionEnded(sessionIds);
  },
};
