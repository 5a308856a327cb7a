import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@minitwit/monitoring';
import type { TimelinePublisher } from '../publisher';
import { PUBLISHER_OPTIONS, type RedisClient, closeRedis, openRedis, withSafePublish } from '@minitwit/redis';
import type { Broadcaster } from './broadcaster';
import { emitterBroadcaster } from './emitter-broadcaster';
import { inProcessPublisher } from './local-hub';
import { acknowledgedIds } from './acknowledged-ids';
import { lossFloor } from './loss-floor';
import { publishConfirmations } from './publish-confirmations';
import { resyncScheduler } from './resync-scheduler';
import { strandedRedis } from './stranded-redis';
import { publisherOver } from './timeline-publisher';
import { PUBLISHER_BEAT_MS } from '../server/publisher-presence';

export interface PublisherOptions {
  /** With it, publish through Redis to every realtime server; without, to this process's server. */
  redisUrl?: string | undefined;
  /** Must match the realtime servers' adapter channel (REDIS_CHANNEL). */
  channel?: string;
  logger: Logger;
  /** How long to wait for Redis at start before serving without it (it keeps connecting). */
  connectWaitMs?: number;
  /** How long a write's answer waits for Redis to take its publish, at most (publish-confirmations.ts). */
  publishWaitMs?: number;
}

export interface PublisherHandle {
  publisher: TimelinePublisher;
  /** The Redis client behind it, for the owner's health check; absent in-process. */
  redis?: RedisClient;
  close(): Promise<void>;
}

/**
 * The publisher the configuration asks for: what api, web and the flag tool
 * call after each commit. Writes never depend on Redis: without it at start,
 * the process starts anyway and the client keeps connecting; whenever events
 * may have been lost (a failed publish, a lost connection), every open page
 * is told to resync once Redis is back, and reads the gap from the database.
 */
export async function createPublisher(options: PublisherOptions): Promise<PublisherHandle> {
  if (!options.redisUrl) {
    return { publisher: inProcessPublisher, async close() {} };
  }
  const { logger } = options;
  // Filled in below, before Redis can report a reconnect (openRedis returns first).
  const late: { broadcaster?: Broadcaster } = {};
  // The ids this process published and when: a resync tells pages to read again from before the loss.
  const loss = lossFloor();
  const resync = resyncScheduler(() => late.broadcaster?.resyncAll(loss.take()));
  const redis = await openRedis(
    options.redisUrl,
    logger,
    'publisher',
    { ...PUBLISHER_OPTIONS, waitMs: options.connectWaitMs ?? 1_000 },
    resync.restored,
    loss.lost,
  );
  // Counted as gone out once Redis took it, not when handed to the client (acknowledged-ids.ts).
  const taken = acknowledgedIds(loss.sent);
  const confirmations = publishConfirmations(options.publishWaitMs);
  // One beat waits for Redis at a time: a hung Redis does not fill the bounded queue with beats.
  const lastBeat = { at: Number.NEGATIVE_INFINITY, answered: true };
  // Redis answers in order: an answer to a publish handed over at or after the last beat covers it.
  const answered = (calledAt: number) => {
    confirmations.answered(calledAt);
    if (calledAt >= lastBeat.at) lastBeat.answered = true;
  };
  // On a Redis no realtime server listens to (a returning host's old container): connect again,
  // which resolves the name again, and have every page re-read from before (stranded-redis.ts).
  const stranded = strandedRedis(() => {
    logger.warn('redis publishes reach no realtime server; connecting again', { role: 'publisher' });
    loss.lost();
    redis.destroy();
    redis.connect().then(resync.restored, (error: unknown) => {
      logger.error('redis publisher could not connect again', { error });
    });
  });
  const outcome = {
    handedOver: confirmations.handedOver,
    failed(calledAt = performance.now()) {
      answered(calledAt);
      taken.refused(calledAt);
      loss.lost();
      resync.failed();
    },
    succeeded(calledAt: number, receivers: number) {
      answered(calledAt);
      stranded.answered(receivers);
      // Taken by a Redis no realtime server listens to is not sent: the floor stays before it.
      if (receivers === 0) taken.refused(calledAt);
      else taken.acknowledged(calledAt);
      resync.succeeded();
    },
  };
  const broadcaster = emitterBroadcaster(withSafePublish(redis, logger, outcome), options.channel ?? 'socket.io');
  late.broadcaster = broadcaster;
  // The realtime servers notice when this publisher vanishes without closing (its host lost), and
  // their pages re-read what it may have committed unpublished (server/publisher-presence.ts).
  const publisherId = randomUUID();
  const sayAlive = () => {
    if (!redis.isReady || !lastBeat.answered) return;
    lastBeat.at = performance.now();
    lastBeat.answered = false;
    broadcaster.presence(publisherId, true);
  };
  sayAlive();
  const beat = setInterval(sayAlive, PUBLISHER_BEAT_MS);
  beat.unref();
  const publisher = publisherOver(broadcaster);
  return {
    publisher: {
      ...publisher,
      messagePosted(message) {
        taken.published(message.id);
        publisher.messagePosted(message);
      },
      // The resync goes out with the next publish that Redis takes (the database is back then),
      // or when this publisher closes.
      writeOutcomeUnknown() {
        loss.lost();
        resync.owed();
      },
      publishesTaken: confirmations.settled,
    },
    redis,
    async close() {
      // A resync still owed goes out before the connection does: a write this replica committed
      // but could not publish would otherwise stay missing on every page until a reload.
      clearInterval(beat);
      if (redis.isReady) {
        resync.flush();
        broadcaster.presence(publisherId, false);
      }
      resync.stop();
      confirmations.releaseAll();
      // Graceful when Redis is up, so queued publishes leave before the connection goes.
      await closeRedis(redis, logger);
    },
  };
}
