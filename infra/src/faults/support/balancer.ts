import type { BalancerRequest } from './balancer-process';
import { forkWorker } from './worker';

/**
 * A TCP round-robin balancer in front of the realtime servers, as the proxy
 * (nginx with `proxy_next_upstream error`) is in production: each new
 * connection goes to the next backend, skipping one that refuses. A socket
 * whose server dies reconnects through it and lands on a live one.
 *
 * It runs in a process of its own, as the proxy does. In the test's process
 * it shared one event loop with the 1,000 pages it served: with the loop busy
 * decoding their messages, it accepted connections too slowly, its accept
 * queue (511) stayed full for ~10 s after a realtime server died, the kernel
 * dropped the pages' SYNs and their handshakes waited out TCP's 1 s and 3 s
 * retransmissions — the test measured its own balancer, not the product.
 */
export interface Balancer {
  url: string;
  /** Where new connections go from now on (already open ones stay where they are). */
  setBackends(backends: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startBalancer(backends: string[]): Promise<Balancer> {
  const worker = await forkWorker<BalancerRequest, number | null>(new URL('./balancer-process.ts', import.meta.url));
  const port = await worker.ask({ backends });
  return {
    url: `http://127.0.0.1:${port}`,
    async setBackends(next) {
      await worker.ask({ backends: next });
    },
    close: () => worker.stop({ close: true }),
  };
}
