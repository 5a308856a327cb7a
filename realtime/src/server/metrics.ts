import type { ServiceMetrics } from '@minitwit/monitoring';
import { Counter, Gauge } from 'prom-client';
import type { LiveScope, ServerToClientEvents } from '../contract';

export interface RealtimeMetrics {
  connectedSockets: Gauge;
  delivered: Counter<'event'>;
  subscriptions: Counter<'scope'>;
  backlogMessages: Counter;
  handshakes: Counter<'result'>;
}

const EVENT_NAMES: (keyof ServerToClientEvents)[] = ['message:created', 'message:removed'];
const SCOPES: LiveScope['kind'][] = ['public', 'user', 'home'];
const HANDSHAKE_RESULTS = ['user', 'anonymous', 'error'] as const;

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
      help: 'Socket handshakes by outcome: signed-in user, anonymous, or refused on error',
      labelNames: ['result'] as const,
      registers,
    }),
  };
  metrics.connectedSockets.set(0);
  metrics.backlogMessages.inc(0);
  for (const event of EVENT_NAMES) metrics.delivered.inc({ event }, 0);
  for (const scope of SCOPES) metrics.subscriptions.inc({ scope }, 0);
  for (const result of HANDSHAKE_RESULTS) metrics.handshakes.inc({ result }, 0);
  return metrics;
}
