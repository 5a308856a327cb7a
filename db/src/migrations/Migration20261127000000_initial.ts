import { Migration } from '@mikro-orm/migrations';

/**
 * The MiniTwit schema. Timeline indexes are partial (`NOT flagged`) because
 * flagged messages are never read back, and ordered exactly like the
 * timelines (pub_date DESC, id DESC) so every page is an index range scan.
 */
export class Migration20261127000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table "users" (
        "id" serial primary key,
        "username" text not null,
        "email" text not null,
        "pw_hash" text not null,
        "created_at" timestamptz(3) not null default now(),
        constraint "users_username_unique" unique ("username")
      );`);
    this.addSql(`
      create table "messages" (
        "id" serial primary key,
        "author_id" integer not null references "users" ("id") on delete cascade,
        "text" text not null,
        "pub_date" timestamptz(3) not null default now(),
        "flagged" boolean not null default false
      );`);
    this.addSql(
      `create index "messages_public_timeline_idx" on "messages" ("pub_date" desc, "id" desc) where not "flagged";`,
    );
    this.addSql(
      `create index "messages_author_timeline_idx" on "messages" ("author_id", "pub_date" desc, "id" desc) where not "flagged";`,
    );
    this.addSql(`
      create table "followers" (
        "who_id" integer not null references "users" ("id") on delete cascade,
        "whom_id" integer not null references "users" ("id") on delete cascade,
        primary key ("who_id", "whom_id")
      );`);
    // Reverse lookups (who follows X) for the follower counts and for realtime room moves.
    this.addSql(`create index "followers_whom_idx" on "followers" ("whom_id");`);
    this.addSql(`
      create table "simulator_state" (
        "id" integer primary key check ("id" = 1),
        "latest" bigint not null default 0
      );`);
    this.addSql(`insert into "simulator_state" ("id", "latest") values (1, 0);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "simulator_state", "followers", "messages", "users";`);
  }
}
