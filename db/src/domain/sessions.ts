import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../sql';
import type { UserSummary } from './users';

/** What the table keys a session by; also names the session's live sockets (realtime's session room). */
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const hashToken = sessionIdOf;

/**
 * Server-side sessions for the web app (and the realtime handshake). The
 * browser holds a random token; the table holds its hash, so ending a session
 * is a delete and a stolen table grants nothing.
 */
export class SessionStore {
  constructor(private readonly sql: Sql) {}

  /** Starts a session and returns the token for the cookie: a new one on every login. */
  async create(userId: number, ttlMs: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.sql(`insert into "sessions" ("token_hash", "user_id", "expires_at") values ($1, $2, $3)`, [
      hashToken(token),
      userId,
      new Date(Date.now() + ttlMs),
    ]);
    return token;
  }

  /** The signed-in user for a token, or null when it is unknown or expired. */
  async userFor(token: string): Promise<UserSummary | null> {
    const [user] = await this.sql<UserSummary>(
      `select u."id", u."username", u."email" from "sessions" s join "users" u on u."id" = s."user_id"
       where s."token_hash" = $1 and s."expires_at" > now()`,
      [hashToken(token)],
    );
    return user ?? null;
  }

  /** Like userFor, with the session's end, for connections that outlive a request (live sockets). */
  async lookup(token: string): Promise<{ user: UserSummary; expiresAt: Date } | null> {
    const [row] = await this.sql<UserSummary & { expires_at: Date }>(
      `select u."id", u."username", u."email", s."expires_at" from "sessions" s join "users" u on u."id" = s."user_id"
       where s."token_hash" = $1 and s."expires_at" > now()`,
      [hashToken(token)],
    );
    if (!row) return null;
    return { user: { id: row.id, username: row.username, email: row.email }, expiresAt: new Date(row.expires_at) };
  }

  async destroy(token: string): Promise<void> {
    await this.sql(`delete from "sessions" where "token_hash" = $1`, [hashToken(token)]);
  }

  /** Removes expired sessions; returns how many. */
  async purgeExpired(): Promise<number> {
    const rows = await this.sql(`delete from "sessions" where "expires_at" <= now() returning 1`);
    return rows.length;
  }
}
