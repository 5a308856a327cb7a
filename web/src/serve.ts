import type { Server } from 'node:http';
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
const { server } = (await import(built.href)) as { server: { server: Server } };
applySecurityHeaders(server.server);
