import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../sql';
import type { UserSummary } from './users';

/** What the table keys a session by; also names the session's live sockets (realtime's session room). */
/** Cookie the web app keeps its session token in; the realtime servers read it at the socket handshake. */
export const SESSION_COOKIE = 'session';

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

  /**
   * Ends every session of a user ("sign out everywhere"); returns their ids
   * (`sessionIdOf` of each token, which is what the table keys them by), so
   * the caller can disconnect their live sockets.
   */
  async destroyAllOf(userId: number): Promise<string[]> {
    const rows = await this.sql<{ token_hash: string }>(
      `delete from "sessions" where "user_id" = $1 returning "token_hash"`,
      [userId],
    );
    return rows.map((row) => row.token_hash);
  }

  /**
   * Removes expired sessions; returns how many. Every web replica runs this
   * on a timer, possibly at the same moment: each batch takes only rows no
   * other purge holds (`skip locked`), so purges neither wait for each other
   * nor count a row twice, and a batch keeps each transaction short however
   * many sessions expired.
   */
  async purgeExpired(batchSize = 1_000): Promise<number> {
    let purged = 0;
    for (;;) {
      const rows = await this.sql(
        `delete from "sessions" where "token_hash" in (
           select "token_hash" from "sessions" where "expires_at" <= now() limit $1 for update skip locked
         ) returning 1`,
        [batchSize],
      );
      purged += rows.length;
      if (rows.length < batchSize) return purged;
    }
  }
}
