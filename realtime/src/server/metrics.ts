import { timelineKinds } from '@minitwit/db';
import type { ServiceMetrics } from '@minitwit/monitoring';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { ServerToClientEvents } from '../contract';

export interface RealtimeMetrics {
  connectedSockets: Gauge;
  delivered: Counter<'event'>;
  subscriptions: Counter<'scope'>;
  backlogMessages: Counter;
  handshakes: Counter<'result'>;
  /** Commit of a write (stamped by its publisher) to this server writing it to its first socket. */
  commitToEmit: Histogram<'event'>;
  /** Commit to a browser's receipt report (sampled; includes the report's way back). */
  commitToBrowser: Histogram;
  disconnects: Counter<'reason'>;
  /** Sockets subscribed to a timeline right now, by what they watch. */
  viewers: Gauge<'scope' | 'signed_in'>;
  /** Messages per subscription reply: how much a page missed while it was away. */
  backlogSize: Histogram;
}

/** From a few ms (one Redis hop) to the 1 s the alert is about, and well past it. */
const DELIVERY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** socket.io's disconnect reasons (server side), counted from 0 so a first drop shows as a rate. */
const DISCONNECT_REASONS = [
  'transport close',
  'transport error',
  'ping timeout',
  'parse error',
  'client namespace disconnect',
  'server namespace disconnect',
  'server shutting down',
  'forced close',
  'forced server close',
];
/** Every scope label a viewer can have: each registered kind, signed in, and signed out where the kind allows it. */
const VIEWS = timelineKinds().flatMap(([scope, kind]) =>
  kind.needsViewer
    ? [{ scope, signed_in: 'true' }]
    : [
        { scope, signed_in: 'false' },
        { scope, signed_in: 'true' },
      ],
);

const EVENT_NAMES: (keyof ServerToClientEvents)[] = ['message:created', 'message:removed', 'follow:changed'];
const HANDSHAKE_RESULTS = ['user', 'anonymous', 'error', 'limited_session', 'limited_address'] as const;

/** Realtime's series on the service registry, every labelled child created at 0 so rates start clean. */
export function createRealtimeMetrics(service: ServiceMetrics): RealtimeMetrics {
  const registers = [service.registry];
  const metrics: RealtimeMetrics = {
    connectedSockets: new Gauge({
      name: 'realtime_connected_sockets',
      help: 'Socket.IO connections open on this server',
      registers,
    }),
    delivered: new Counter({
      name: 'realtime_messages_delivered_total',
      help: 'Events written to sockets (one per socket), live and backlog replies excluded',
      labelNames: ['event'] as const,
      registers,
    }),
    subscriptions: new Counter({
      name: 'realtime_subscriptions_total',
      help: 'Timeline subscriptions accepted (connects and reconnects), by scope',
      labelNames: ['scope'] as const,
      registers,
    }),
    backlogMessages: new Counter({
      name: 'realtime_backlog_messages_total',
      help: 'Missed messages sent from the database in subscription replies',
      registers,
    }),
    handshakes: new Counter({
      name: 'realtime_handshakes_total',
      help: 'Socket handshakes by outcome: signed-in user, anonymous, refused on error, or refused at a socket cap',
      labelNames: ['result'] as const,
      registers,
    }),
    commitToEmit: new Histogram({
      name: 'realtime_commit_to_emit_seconds',
      help: 'Time from a write committing to this server emitting it to its sockets (clocks of two hosts)',
      labelNames: ['event'] as const,
      buckets: DELIVERY_BUCKETS,
      registers,
    }),
    commitToBrowser: new Histogram({
      name: 'realtime_commit_to_browser_seconds',
      help: 'Time from a write committing to a browser reporting its receipt back (sampled)',
      buckets: DELIVERY_BUCKETS,
      registers,
    }),
    disconnects: new Counter({
      name: 'realtime_disconnects_total',
      help: 'Socket disconnections by socket.io reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    viewers: new Gauge({
      name: 'realtime_viewers',
      help: 'Sockets subscribed to a timeline, by scope (the timeline kind: public, user, home, mentions) and whether signed in',
      labelNames: ['scope', 'signed_in'] as const,
      registers,
    }),
    backlogSize: new Histogram({
      name: 'realtime_backlog_size_messages',
      help: 'Missed messages per subscription reply (catch-up size)',
      buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    }),
  };
  metrics.connectedSockets.set(0);
  for (const reason of DISCONNECT_REASONS) metrics.disconnects.inc({ reason }, 0);
  for (const view of VIEWS) metrics.viewers.set(view, 0);
  metrics.backlogMessages.inc(0);
  for (const event of EVENT_NAMES) metrics.delivered.inc({ event }, 0);
  for (const event of EVENT_NAMES) metrics.commitToEmit.zero({ event });
  for (const [scope] of timelineKinds()) metrics.subscriptions.inc({ scope }, 0);
  for (const result of HANDSHAKE_RESULTS) metrics.handshakes.inc({ result }, 0);
  return metrics;
}
