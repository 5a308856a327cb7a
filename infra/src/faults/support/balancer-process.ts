import { listenBalancer } from './tcp-balancer';

/**
 * The balancer as a process of its own, started by `startBalancer`: it is
 * told its backends over the IPC channel, answers each message once done,
 * and ends when told to or when its parent goes away (a crashed test leaves
 * nothing listening).
 */
export type BalancerRequest = { backends: string[] } | { close: true };
export type BalancerReply = { port: number } | { done: true };

const send = (reply: BalancerReply) => process.send!(reply);
const first = await new Promise<BalancerRequest>((resolve) => process.once('message', resolve));
if (!('backends' in first)) process.exit(0);
const balancer = await listenBalancer(first.backends);
send({ port: balancer.port });

process.on('message', (request: BalancerRequest) => {
  if ('backends' in request) {
    balancer.setBackends(request.backends);
    send({ done: true });
  } else void balancer.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
