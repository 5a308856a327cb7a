import { type Database, SESSION_COOKIE, sessionIdOf } from '@minitwit/db';
import type { Logger } from '@minitwit/monitoring';
import type { RealtimeMetrics } from './metrics';
import type { RealtimeSocket } from './types';

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    const raw = part.slice(separator + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/**
 * Handshake middleware: the web session cookie makes a socket its user's;
 * no cookie, or an unknown or expired session, makes it anonymous (it may
 * still watch public and user timelines). Only a failing database refuses.
 */
export function authenticate(db: Database, logger: Logger, metrics: RealtimeMetrics) {
  return async (socket: RealtimeSocket, next: (error?: Error) => void): Promise<void> => {
    const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
    try {
      const found = token ? await db.sessions.lookup(token) : null;
      const user = found?.user;
      socket.data.user = user ? { id: user.id, username: user.username } : null;
      socket.data.session = found && token ? { id: sessionIdOf(token), expiresAt: found.expiresAt.getTime() } : null;
      metrics.handshakes.inc({ result: user ? 'user' : 'anonymous' });
      next();
    } catch (error) {
      metrics.handshakes.inc({ result: 'error' });
      logger.error('handshake session lookup failed', { error });
      next(new Error('unavailable'));
    }
  };
}
