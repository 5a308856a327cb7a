import { Migration } from '@mikro-orm/migrations';

/** Server-side web sessions. Only a SHA-256 of the cookie token is stored, so a leaked table opens no session. */
export class Migration20261127000100_sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table "sessions" (
        "token_hash" text primary key,
        "user_id" integer not null references "users" ("id") on delete cascade,
        "created_at" timestamptz(3) not null default now(),
        "expires_at" timestamptz(3) not null
      );`);
    this.addSql(`create index "sessions_expires_idx" on "sessions" ("expires_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sessions";`);
  }
}
