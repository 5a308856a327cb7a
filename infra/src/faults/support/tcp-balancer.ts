import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * The balancer's own logic, run in its own process by `balancer-process.ts`
 * (see `balancer.ts` for why): a TCP round-robin over the realtime servers,
 * as the proxy (nginx with `proxy_next_upstream error`) is in production.
 * Each new connection goes to the next backend, skipping one that refuses.
 */
export interface TcpBalancer {
  port: number;
  /** Where new connections go from now on (already open ones stay where they are). */
  setBackends(backends: string[]): void;
  close(): Promise<void>;
}

export async function listenBalancer(backends: string[]): Promise<TcpBalancer> {
  let targets = backends.map((backend) => new URL(backend));
  const open = new Set<Socket>();
  let next = 0;

  const pipeTo = (client: Socket, attempt: number) => {
    if (attempt >= targets.length) {
      client.destroy();
      return;
    }
    const target = targets[next % targets.length]!;
    next = (next + 1) % targets.length;
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    const onRefused = () => {
      upstream.destroy();
      pipeTo(client, attempt + 1);
    };
    upstream.once('error', onRefused);
    upstream.once('connect', () => {
      upstream.off('error', onRefused);
      // Either side closing or failing ends both: a dead backend drops its clients, as in production.
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      upstream.on('error', end).on('close', end);
      client.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  };

  const server: Server = createServer((client) => {
    client.on('error', () => client.destroy());
    open.add(client);
    client.once('close', () => open.delete(client));
    // Hold what the client sends until a backend is chosen.
    client.pause();
    pipeTo(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setBackends(next) {
      targets = next.map((backend) => new URL(backend));
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
