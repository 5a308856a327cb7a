import { Migration } from '@mikro-orm/migrations';

/**
 * Counters of failed sign-ins and registrations (web/src/lib/server/rate-limit.ts),
 * shared by every web replica: the store when there is no Redis, and the
 * fallback when Redis is down. The layout is rate-limiter-flexible's
 * RateLimiterPostgres table; `expire` is epoch milliseconds. Keys are hashes,
 * never a username or an address.
 */
export class Migration20261129000200_rate_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table "rate_limits" (
        "key" varchar(255) primary key,
        "points" integer not null default 0,
        "expire" bigint
      );`);
    this.addSql(`create index "rate_limits_expire_idx" on "rate_limits" ("expire");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limits";`);
  }
}
