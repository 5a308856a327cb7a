/**
 * `npm start -w web`: adapter-node's own server (build/index.js: HOST, PORT,
 * ORIGIN, graceful shutdown), with the security headers on every response —
 * including the static files and error answers that never reach the app's
 * hooks. Run with `node --import tsx` (the app imports TypeScript workspace packages).
 */
import { applySecurityHeaders } from './src/lib/security-headers.ts';

const { server } = await import('./build/index.js');
applySecurityHeaders(server.server);
