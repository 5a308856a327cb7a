import { Migration } from '@mikro-orm/migrations';

/**
 * The web post box's per-form tokens (issue 22, item 2): a second submit of
 * the same form (a double click, a retry after a lost answer) finds its token
 * here and records nothing new. A table of its own, not a column on
 * "messages": expand-only, so the previous release runs on this schema
 * unchanged, and neither the hot messages table nor its indexes grow for the
 * simulator's posts, which carry no token. `message_id` has no foreign key:
 * the answer to a replay is only the redirect, whether or not the message
 * still exists.
 */
export class Migration20261206010000_post_form_tokens extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table if not exists "post_form_tokens" (
        "author_id" integer not null references "users" ("id") on delete cascade,
        "token" uuid not null,
        "message_id" integer not null,
        "created_at" timestamptz(3) not null default now(),
        primary key ("author_id", "token")
      );`);
    // For purging old tokens by age.
    this.addSql(`create index if not exists "post_form_tokens_created_idx" on "post_form_tokens" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "post_form_tokens";`);
  }
}
