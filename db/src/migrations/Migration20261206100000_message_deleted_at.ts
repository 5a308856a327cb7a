import { Migration } from '@mikro-orm/migrations';

/**
 * When the author deleted a message (issue 22 item 10). Expand only: a
 * nullable column the previous release never names. A deletion also sets
 * `flagged`, which every read of either release already filters on, so a
 * deleted message is hidden even by replicas that do not know this column
 * (docs/decisions.md, "Deleting a message: flagged, and when").
 */
export class Migration20261206100000_message_deleted_at extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "messages" add column if not exists "deleted_at" timestamptz(3) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "messages" drop column if exists "deleted_at";`);
  }
}
