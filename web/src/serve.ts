import type { Server } from 'node:http';
import { DRAIN_GRACE_MS, closeHttpServer } from '@minitwit/monitoring';
import { applySecurityHeaders } from './lib/security-headers';

/**
 * `npm start -w web` (compiled to web/dist/serve.js by `npm run build`):
 * adapter-node's own server (build/index.js: HOST, PORT, ORIGIN, graceful
 * shutdown), with the security headers on every response — including the
 * static files and error answers that never reach the app's hooks.
 * The build is loaded by URL so the bundler leaves it where it is: adapter-node
 * finds its static files beside its own module.
 */
const built = new URL('../build/index.js', import.meta.url);
// The proxy's pooled connections idle out at the proxy first (2 s, infra/nginx/backends*.conf).
process.env.KEEP_ALIVE_TIMEOUT ??= '10';
const signalled = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
const { server } = (await import(built.href)) as { server: { server: Server } };
applySecurityHeaders(server.server);

/**
 * adapter-node's own shutdown drops idle keep-alive connections at once, so a form POST the
 * proxy had just sent on its pooled connection met a reset (a 502: nginx cannot know whether it
 * was applied). This one stops the way api's does (closeHttpServer), then tells the app as
 * adapter-node would ('sveltekit:shutdown', hooks.server.ts closes the database and the rest).
 */
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  for (const listener of process.listeners(signal)) {
    if (!signalled[signal].includes(listener)) process.off(signal, listener);
  }
  process.once(signal, () => {
    // adapter-node's own event, which Node's types for `process` do not list (adapter-node emits it
    // under @ts-expect-error); as a plain EventEmitter, process takes any event name.
    void closeHttpServer(server.server, DRAIN_GRACE_MS).finally(() =>
      (process as NodeJS.EventEmitter).emit('sveltekit:shutdown', signal),
    );
  });
}
