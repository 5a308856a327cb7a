import type { UserSummary } from '@minitwit/db';

declare global {
  namespace App {
    interface Locals {
      /** The signed-in user, resolved from the session cookie by hooks.server.ts. */
      user: UserSummary | null;
      /** The raw session token from the cookie, so logout and login can end it. */
      sessionToken: string | null;
      requestId: string;
      /** Set by handleError when the request failed because the database is away: answered 503. */
      databaseDown?: boolean;
    }
    interface Error {
      message: string;
      requestId?: string;
      /** The status the answer really carries when it differs from SvelteKit's (a 503 for a database outage). */
      status?: number;
    }
  }
}

export {};
