import { type ChildProcess, spawn } from 'node:child_process';
import { createClient } from 'redis';
import { freePort } from '@minitwit/monitoring/testing';

/**
 * A private redis-server on a random port, for tests that kill Redis: the
 * shared one on 6379 belongs to everybody. No persistence, so a SIGKILL and
 * restart is a clean, empty Redis, as after a real crash without AOF.
 */
export interface OwnRedis {
  url: string;
  port: number;
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing is answered, as with a hung Redis. */
  freeze(): void;
  /** SIGCONT after freeze. */
  thaw(): void;
  stop(): Promise<void>;
}

async function waitUntilAnswering(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      await client.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      client.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** `password`: required of every client (`requirepass`), as the deployments' Redis does; in the URL too. */
export async function startOwnRedis(options: { password?: string } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const { password } = options;
  const url = `redis://${password ? `default:${encodeURIComponent(password)}@` : ''}127.0.0.1:${port}`;
  // A test's own throwaway password may be on the command line; the deployments pass theirs on stdin.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (password) args.push('--requirepass', password);
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitUntilAnswering(url);
  };
  const kill = async () => {
    const running = child;
    // Gone already: it exited, or a signal ended it (its exitCode stays null then).
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return {
    url,
    port,
    kill,
    restart: start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    stop: kill,
  };
}
