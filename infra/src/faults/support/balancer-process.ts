import { listenBalancer } from './tcp-balancer';
import { serveParent } from './worker';

/**
 * The balancer as a process of its own, started by `startBalancer`: it
 * listens at once and is told its backends over the IPC channel.
 */
export type BalancerRequest = { backends: string[] } | { close: true };

const balancer = await listenBalancer([]);
serveParent<BalancerRequest, number | null>(
  async (request) => {
    if ('backends' in request) {
      balancer.setBackends(request.backends);
      return balancer.port;
    }
    await balancer.close();
    return null;
  },
  (request) => 'close' in request,
);
