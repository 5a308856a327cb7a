import { errors } from '../errors';
import { type Sql, withLatest } from '../sql';
import { hashPassword, verifyPassword } from './passwords';
import { type RegistrationInput, checkRegistration, isStorable } from './rules';
import { canonicalUsername } from './usernames';

export interface UserSummary {
  id: number;
  username: string;
  email: string;
}

const SUMMARY_COLUMNS = `"id", "username", "email"`;

export class UserStore {
  constructor(private readonly sql: Sql) {}

  /**
   * Validates in the contract's order, hashes, and inserts. The pre-check spares
   * a ~14 ms hash for a taken name; the `on conflict` closes the race between
   * the check and the insert.
   */
  async register(given: RegistrationInput, options: { latest?: number } = {}): Promise<UserSummary> {
    // ` Ann@Example.org ` is Ann's address, as the reference accepts it; the gravatar lower-cases it.
    const input = { ...given, username: canonicalUsername(given.username), email: given.email.trim() };
    checkRegistration(input);
    if (await this.findByUsername(input.username)) throw errors.usernameTaken();
    const pwHash = await hashPassword(input.password);
    const { query, params } = withLatest(
      options.latest,
      `"inserted" as (
         insert into "users" ("username", "email", "pw_hash") values ($1, $2, $3)
         on conflict ("username") do nothing
         returning ${SUMMARY_COLUMNS})
       select * from "inserted"`,
      [input.username, input.email, pwHash],
    );
    const [user] = await this.sql<UserSummary>(query, params);
    if (!user) throw errors.usernameTaken();
    return user;
  }

  /** Returns the user when the password matches, else the contract's login error. */
  async checkLogin(username: string, password: string): Promise<UserSummary> {
    if (!isStorable(username)) throw errors.invalidUsername();
    const [row] = await this.sql<UserSummary & { pw_hash: string }>(
      `select ${SUMMARY_COLUMNS}, "pw_hash" from "users" where "username" = $1`,
      [canonicalUsername(username)],
    );
    if (!row) throw errors.invalidUsername();
    if (!(await verifyPassword(row.pw_hash, password))) throw errors.invalidPassword();
    return { id: row.id, username: row.username, email: row.email };
  }

  async findByUsername(username: string, options: { latest?: number } = {}): Promise<UserSummary | null> {
    // No stored name holds NUL or a lone surrogate, and PostgreSQL would refuse the parameter.
    // (A caller passing `latest` records it on the not-found path: the API's error handler does.)
    if (!isStorable(username)) return null;
    const { query, params } = withLatest(
      options.latest,
      `"found" as (select ${SUMMARY_COLUMNS} from "users" where "username" = $1) select * from "found"`,
      [canonicalUsername(username)],
    );
    const [user] = await this.sql<UserSummary>(query, params);
    return user ?? null;
  }

  async findById(id: number): Promise<UserSummary | null> {
    const [user] = await this.sql<UserSummary>(`select ${SUMMARY_COLUMNS} from "users" where "id" = $1`, [id]);
    return user ?? null;
  }

  /** Like findByUsername, but a missing user is the domain's not-found error. */
  async requireByUsername(username: string, options: { latest?: number } = {}): Promise<UserSummary> {
    const user = await this.findByUsername(username, options);
    if (!user) throw errors.userNotFound();
    return user;
  }
}
