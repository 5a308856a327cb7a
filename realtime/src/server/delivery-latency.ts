import {
  type DeliveryReceipt,
  type LiveMessage,
  type MessagesRemoved,
  RECEIPT_INTERVAL_MS,
  type ServerToClientEvents,
} from '../contract';
import type { RealtimeMetrics } from './metrics';
import type { RealtimeSocket } from './types';

/** Live messages remembered for receipts: the newest this many ids this server emitted. */
const REMEMBERED = 2_048;

type Payload = LiveMessage | MessagesRemoved;

/**
 * Commit→emit and commit→browser latency on this server.
 *
 * The publisher stamps `committedAt` into each live event. One broadcast hands
 * the same payload object to every socket it writes to (the adapter calls the
 * outgoing listeners per socket), so a new payload object is a new broadcast:
 * it is timed once, at its first socket, whatever the audience.
 *
 * Browsers report a sample of receipts by message id only; the server times
 * them against the commit time it saw itself, so a client can delay a report
 * but cannot invent a latency.
 */
export function deliveryLatency(metrics: RealtimeMetrics) {
  let lastPayload: unknown;
  const committedAtById = new Map<number, number>();
  const lastReceipt = new WeakMap<RealtimeSocket, number>();
  // Only events that carry a commit time are timed (`timeline:resync` has none).
  const emitTimers: Partial<Record<keyof ServerToClientEvents, { observe(seconds: number): void }>> = {
    'message:created': metrics.commitToEmit.labels({ event: 'message:created' }),
    'message:removed': metrics.commitToEmit.labels({ event: 'message:removed' }),
  };

  return {
    /** An outgoing-event listener: called for each socket each event is written to. */
    outgoing(event: keyof ServerToClientEvents, payload: Payload | undefined): void {
      if (payload === lastPayload || !payload || typeof payload.committedAt !== 'number') return;
      lastPayload = payload;
      const now = Date.now();
      emitTimers[event]?.observe(Math.max(0, now - payload.committedAt) / 1000);
      if (event === 'message:created' && 'id' in payload) {
        committedAtById.set(payload.id, payload.committedAt);
        // Maps iterate in insertion order: the first key is the oldest.
        if (committedAtById.size > REMEMBERED) committedAtById.delete(committedAtById.keys().next().value!);
      }
    },

    /** `delivery:receipt` from a browser: ignored unless it names a recent live message of this server. */
    receipt(socket: RealtimeSocket, receipt: DeliveryReceipt | undefined): void {
      const id = typeof receipt === 'object' && receipt !== null ? receipt.id : undefined;
      const committedAt = typeof id === 'number' ? committedAtById.get(id) : undefined;
      if (committedAt === undefined) return;
      const now = Date.now();
      // One receipt per socket per RECEIPT_INTERVAL_MS counts; more is a misbehaving client.
      if (now - (lastReceipt.get(socket) ?? 0) < RECEIPT_INTERVAL_MS) return;
      lastReceipt.set(socket, now);
      metrics.commitToBrowser.observe(Math.max(0, now - committedAt) / 1000);
    },
  };
}
