import type { UserSummary } from '@minitwit/db';

declare global {
  namespace App {
    interface Locals {
      /** The signed-in user, resolved from the session cookie by hooks.server.ts. */
      user: UserSummary | null;
      /** The raw session token from the cookie, so logout and login can end it. */
      sessionToken: string | null;
      requestId: string;
    }
    interface Error {
      message: string;
      requestId?: string;
    }
  }
}

export {};
