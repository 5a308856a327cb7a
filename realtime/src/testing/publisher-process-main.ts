import { createLogger } from '@minitwit/monitoring';
import { createPublisher } from '../publish/create-publisher';

/**
 * A Redis publisher in a process of its own, as an api replica holds one, for
 * tests that make it vanish (SIGKILL: no close, no goodbye), as when its host
 * is cut off. Prints "ready" once connected and beating.
 */
await createPublisher({
  redisUrl: process.env.REDIS_URL,
  channel: process.env.REDIS_CHANNEL,
  logger: createLogger({ service: 'publisher-process', silent: true }),
});
process.stdout.write('ready\n');
// Holds the process open until it is killed (the publisher's own timers do not).
setInterval(() => undefined, 60_000);
