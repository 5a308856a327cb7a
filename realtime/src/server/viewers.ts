import type { TimelineKindName } from '@minitwit/db';
import type { RealtimeMetrics } from './metrics';
import type { RealtimeSocket } from './types';

type View = { scope: TimelineKindName; signed_in: 'true' | 'false' };

/**
 * Keeps `realtime_viewers{scope, signed_in}` equal to the sockets watching
 * each kind of timeline: a socket counts once, under its latest subscription,
 * until it disconnects.
 */
export function viewerCounter(metrics: RealtimeMetrics) {
  const views = new WeakMap<RealtimeSocket, View>();
  const leave = (socket: RealtimeSocket) => {
    const view = views.get(socket);
    if (!view) return;
    views.delete(socket);
    metrics.viewers.dec(view);
  };
  return {
    watching(socket: RealtimeSocket, scope: TimelineKindName): void {
      leave(socket);
      const view: View = { scope, signed_in: socket.data.user ? 'true' : 'false' };
      views.set(socket, view);
      metrics.viewers.inc(view);
    },
    leave,
  };
}

export type ViewerCounter = ReturnType<typeof viewerCounter>;
