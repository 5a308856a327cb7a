import type { Logger } from '@minitwit/monitoring';
import { performance } from 'node:perf_hooks';
import { type RedisClientOptions, type RedisClientType, createClient } from 'redis';

export type RedisClient = RedisClientType;

/** The client settings a caller of connectRedis may choose; the URL is its own argument. */
type ClientTuning = Pick<RedisClientOptions, 'commandOptions' | 'commandsQueueMaxLength'>;

/**
 * For a client that only publishes after commits (api, web, the flag tool).
 * node-redis 6 arms `AbortSignal.timeout(5000)` for every command by default;
 * at one publish per write, those timers and their signals outlive young-
 * generation GCs and are promoted (bench:fanout, bench/RESULTS.md). Without
 * them, a Redis that hangs is bounded by the queue length instead: past it a
 * publish is refused at once (and logged) rather than held. A Redis that is
 * down fails queued publishes on each reconnect attempt either way.
 */
export const PUBLISHER_OPTIONS = {
  commandOptions: { timeout: 0 },
  commandsQueueMaxLength: 10_000,
} satisfies ClientTuning;

/**
 * Retry every 0.1–0.25 s (plus up to 0.1 s of jitter) for as long as Redis is
 * away. node-redis's default backs off to 2.2 s, which alone would spend the
 * live pages' catch-up budget (2 s after Redis returns, docs/operations.md);
 * at 0.5 s the wait for the subscriber alone was up to a third of it (Redis
 * outage scenario). A refused connect attempt every quarter second per client
 * costs nothing.
 */
export function quickReconnect(retries: number): number {
  return Math.min(100 * (retries + 1), 250) + Math.floor(Math.random() * 100);
}

/** Called when a client is ready again after losing its connection (its subscriptions are restored by then). */
export type OnRestored = () => void;

/** Called when a client loses its connection (once an outage), before anything else notices. */
export type OnLost = () => void;

function newClient(url: string, options: ClientTuning): RedisClient {
  return createClient({ url, socket: { reconnectStrategy: quickReconnect }, ...options });
}

/**
 * A connected node-redis client with its `error` listener attached before
 * anything else can fail: an `error` event without a listener crashes the
 * process. While Redis is down the client retries on its own and emits an
 * error per attempt, so only the first one of an outage is logged.
 */
export async function connectRedis(
  url: string,
  logger: Logger,
  role: string,
  options: ClientTuning = {},
  onRestored?: OnRestored,
  onLost?: OnLost,
): Promise<RedisClient> {
  const client = newClient(url, options);
  watch(client, logger, role, onRestored, onLost);
  await client.connect();
  return client;
}

/**
 * A client that connects in the background: waits up to `waitMs` for Redis,
 * then returns either way, still connecting. For writers (api, web): they must
 * start, read and write with Redis absent; publishes wait in the client's
 * bounded offline queue until it connects.
 */
export async function openRedis(
  url: string,
  logger: Logger,
  role: string,
  options: ClientTuning & { waitMs: number },
  onRestored?: OnRestored,
  onLost?: OnLost,
): Promise<RedisClient> {
  const { waitMs, ...tuning } = options;
  const client = newClient(url, tuning);
  const down = watch(client, logger, role, onRestored, onLost);
  let timer: NodeJS.Timeout | undefined;
  const connected = client.connect().then(
    () => true,
    (error: unknown) => {
      logger.error('redis client stopped connecting', { role, error });
      return false;
    },
  );
  const waited = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
  if (!(await Promise.race([connected, waited]))) {
    // Counts as a loss: when it does connect, onRestored runs (pages may have missed events meanwhile).
    down.mark();
    logger.warn('redis not reachable at start; serving without it, connecting in the background', { role });
  }
  clearTimeout(timer);
  return client;
}

/** A second connection (pub/sub needs its own), watched the same way. */
export async function duplicateRedis(
  client: RedisClient,
  logger: Logger,
  role: string,
  onRestored?: OnRestored,
  onLost?: OnLost,
): Promise<RedisClient> {
  const copy = client.duplicate();
  watch(copy, logger, role, onRestored, onLost);
  await copy.connect();
  return copy;
}

function watch(client: RedisClient, logger: Logger, role: string, onRestored?: OnRestored, onLost?: OnLost) {
  let down = false;
  client.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    onLost?.();
    logger.error('redis connection lost; retrying', { role, error });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis connection restored', { role });
    onRestored?.();
  });
  return { mark: () => (down = true) };
}

/**
 * The socket.io adapter and emitter call `publish` without handling its
 * promise; a rejection (a client closed with commands queued) would be an
 * unhandled rejection, which ends a Node process. This view of the client
 * logs those instead (and tells `outcome`) and leaves every other member as it is.
 */
export function withSafePublish(
  client: RedisClient,
  logger: Logger,
  /** Told when each publish was handed to the client (`performance.now()`), and how it ended. */
  outcome?: {
    handedOver?(calledAt: number): void;
    failed(calledAt: number): void;
    /** `receivers`: how many subscribers Redis passed it to (PUBLISH's answer). */
    succeeded(calledAt: number, receivers: number): void;
  },
): RedisClient {
  const publish = (channel: string, message: string | Buffer): Promise<number> => {
    const calledAt = performance.now();
    outcome?.handedOver?.(calledAt);
    return client.publish(channel, message).then(
      (receivers) => {
        outcome?.succeeded(calledAt, receivers);
        return receivers;
      },
      (error: unknown) => {
        logger.warn('redis publish failed', { channel, error });
        outcome?.failed(calledAt);
        return 0;
      },
    );
  };
  return viewWith(client, new Map([['publish', publish]]));
}

/**
 * The subscription commands the socket.io adapter sends without handling
 * their promises: SUBSCRIBE when it starts, UNSUBSCRIBE when a server closes.
 */
const SUBSCRIPTION_COMMANDS = ['subscribe', 'unsubscribe', 'pSubscribe', 'pUnsubscribe', 'sSubscribe', 'sUnsubscribe'];

/**
 * The adapter's subscriber, with a rejected subscription command logged
 * instead of left unhandled. A realtime server stopping (a drain, a rolling
 * update) as its Redis went away crashed with exit code 1: the adapter's
 * UNSUBSCRIBEs were cut off by the reset connection (multi-host run of
 * 2026-12-06, Redis and a realtime server drained from one host together).
 * node-redis restores its subscriptions by itself after a reconnect, so a
 * rejected command needs nothing more than the log line.
 */
export function withSafeSubscriptions(client: RedisClient, logger: Logger): RedisClient {
  const overrides = new Map<PropertyKey, unknown>();
  for (const command of SUBSCRIPTION_COMMANDS) {
    const method = Reflect.get(client, command, client) as (...args: unknown[]) => Promise<unknown>;
    overrides.set(command, (...args: unknown[]) =>
      method.apply(client, args).catch((error: unknown) => {
        logger.warn('redis subscription command failed', { command, error });
      }),
    );
  }
  return viewWith(client, overrides);
}

/** The client with some members replaced and every other one as it is. */
function viewWith(client: RedisClient, overrides: ReadonlyMap<PropertyKey, unknown>): RedisClient {
  return new Proxy(client, {
    get(target, property) {
      if (overrides.has(property)) return overrides.get(property);
      const value: unknown = Reflect.get(target, property, target);
      // Methods are bound to the real client: node-redis reads private state through `this`.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** PING with a deadline: while Redis is down the client queues commands instead of failing them. */
export async function pingRedis(client: RedisClient, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.ping(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes gracefully when Redis is there (queued commands finish: a destroy
 * would reject promises the adapter never handles), and without waiting on a
 * Redis that is gone.
 */
export async function closeRedis(client: RedisClient, logger: Logger): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) {
    client.destroy();
    return;
  }
  await client.close().catch((error: unknown) => logger.warn('redis close failed', { error }));
}
