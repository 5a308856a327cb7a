import { Migration } from '@mikro-orm/migrations';

/**
 * Who a message mentions (`@name`, resolved when it is written: the Mentions
 * timeline, issue 20). Expand only: a new table, which the previous release
 * never reads; its posts simply record no mentions (docs/decisions.md).
 *
 * The key ("user_id", "message_id") serves the Mentions catch-up (ids above
 * the newest shown) as a range scan; the page's order is
 * ("pub_date", "message_id") descending, so the row carries the message's
 * pub_date and an index in exactly that order serves a page as one range
 * scan. ("message_id") finds a message's mentions for display and cascades.
 */
export class Migration20261206200000_mentions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists "mentions" (
      "user_id" int not null references "users" ("id") on delete cascade,
      "message_id" int not null references "messages" ("id") on delete cascade,
      "pub_date" timestamptz not null,
      primary key ("user_id", "message_id"));`);
    this.addSql(
      `create index if not exists "mentions_user_pub_date_idx" on "mentions" ("user_id", "pub_date" desc, "message_id" desc);`,
    );
    this.addSql(`create index if not exists "mentions_message_idx" on "mentions" ("message_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "mentions";`);
  }
}
