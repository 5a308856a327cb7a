import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
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

/**
 * How long a stopping server leaves its idle keep-alive connections open: the proxy reuses its
 * connections to the replicas and drops them after 2 s idle (infra/nginx/backends*.conf), and
 * re-resolves the replicas every second, so by then it has let go of every connection to this one.
 * A connection the server closed first could meet a request the proxy had just sent on it: a
 * reset, and for a POST a 502, since nginx cannot know whether it was applied.
 */
export const IDLE_GRACE_MS = 3_500;

/**
 * Stops an HTTP server the way a rolling deploy needs: the port closes at once
 * (new connections are refused, so a proxy retries them elsewhere), requests
 * in flight finish, every answer from now on says `Connection: close` (so the
 * proxy drops that connection after it), and idle keep-alive connections are
 * closed — but only after IDLE_GRACE_MS. Node ≥ 19's `server.close()` drops
 * idle keep-alive connections at once, so a request a proxy or browser has
 * just sent on one (it cannot know the server is stopping) meets a reset
 * instead of an answer. After `forceMs`, whatever is left is closed. Resolves
 * when every connection is gone.
 *
 * Node has no public "stop listening, leave the connections" for an HTTP
 * server, so this calls net.Server's close on it: http.Server's own close is
 * that plus `closeIdleConnections()` and clearing its (unref'd) timeout-check
 * timer, which is left to run until the process exits. lifecycle.test.ts pins
 * both halves against the Node it runs on ("against this Node"): if Node stops
 * dropping idle connections in close(), or this stops answering them, it fails.
 */
export function closeHttpServer(server: Server, forceMs = DRAIN_GRACE_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    let sweep: NodeJS.Timeout | undefined;
    const force = setTimeout(() => server.closeAllConnections(), forceMs);
    // Node ends the connection after an answer that says so.
    server.prependListener('request', (_request, response: ServerResponse) =>
      response.setHeader('connection', 'close'),
    );
    const first = setTimeout(() => {
      server.closeIdleConnections();
      sweep = setInterval(() => server.closeIdleConnections(), 100);
    }, IDLE_GRACE_MS);
    // One more poll phase first, so connections already waiting in the kernel's accept queue are
    // accepted (and answered) rather than reset when the listening socket closes.
    setImmediate(() =>
      setImmediate(() =>
        // net.Server's close: stop listening, leave open connections to finish.
        NetServer.prototype.close.call(server, (error?: Error) => {
          clearTimeout(first);
          clearInterval(sweep);
          clearTimeout(force);
          // Someone else (e.g. Socket.IO's io.close() on a shared server) stopped it first:
          // Node still calls back on 'close', once every connection is gone — what we wait for.
          if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
          else resolve();
        }),
      ),
    );
  });
}
