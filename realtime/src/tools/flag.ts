import { createCommands, databaseOptionsFrom, openDatabase } from '@minitwit/db';
import { createLogger } from '@minitwit/monitoring';
import { loadRealtimeConfig } from '../config';
import { createPublisher } from '../publish/create-publisher';

/**
 * `npm run flag -- <message-id>...`: hides messages everywhere and pushes
 * their removal to open pages. Only messages that were not flagged yet are
 * pushed, so running it twice is harmless.
 */
const usage = 'usage: npm run flag -- <message-id>...';

function parseIds(args: string[]): number[] {
  const ids = args.map((arg) => (/^\d+$/.test(arg) ? Number(arg) : Number.NaN));
  if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) {
    throw new Error(`message ids must be positive integers\n${usage}`);
  }
  return [...new Set(ids)];
}

async function main(): Promise<number> {
  let ids: number[];
  try {
    ids = parseIds(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const config = loadRealtimeConfig();
  const logger = createLogger({ service: 'flag-tool', level: config.LOG_LEVEL });
  if (!config.REDIS_URL) {
    logger.warn('REDIS_URL is not set: the messages are hidden, but open pages in other processes are not told');
  }
  const db = await openDatabase(databaseOptionsFrom(config));
  const publishing = await createPublisher({ redisUrl: config.REDIS_URL, channel: config.REDIS_CHANNEL, logger });
  try {
    const flagged = await createCommands(db, () => publishing.publisher).flag(ids);
    const newly = new Set(flagged.map((message) => message.id));
    for (const id of ids) {
      process.stdout.write(`${id}: ${newly.has(id) ? 'flagged' : 'unknown or already flagged'}\n`);
    }
    return 0;
  } finally {
    await publishing.close();
    await db.close();
  }
}

process.exitCode = await main();
