import type { Server, ServerResponse } from 'node:http';
import type { Logger } from './logger';

/**
 * Process-level safety for a service: log (never crash on) stray promise
 * rejections, and on SIGTERM/SIGINT run the shutdown steps in order — stop
 * accepting, finish in-flight work, close pools — then exit.
 */
export function handleShutdown(logger: Logger, steps: Array<() => Promise<void>>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    let code = 0;
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        code = 1;
        logger.error('shutdown step failed', { error });
      }
    }
    logger.info('stopped', { signal });
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: reason }));
}

/** How long a shutdown waits for in-flight HTTP requests before closing their connections anyway. */
export const DRAIN_GRACE_MS = 10_000;

/**
 * Counts an HTTP server's in-flight requests, so a shutdown can wait for them
 * before closing what else runs on the server (the live sockets on the web
 * app's server, in one process): `server.close()` alone waits for upgraded
 * websocket connections too, which never end by themselves.
 */
export function trackInFlight(server: Server): { inFlight(): number; drained(graceMs?: number): Promise<void> } {
  let active = 0;
  server.on('request', (_request, response: ServerResponse) => {
    active += 1;
    response.once('close', () => (active -= 1));
  });
  return {
    inFlight: () => active,
    async drained(graceMs = DRAIN_GRACE_MS) {
      const deadline = Date.now() + graceMs;
      while (active > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}
