import { Migration } from '@mikro-orm/migrations';

/**
 * The live catch-up reads an author's messages by id (`id > afterId`: ids
 * follow commit order). The author timeline index is ordered by date, so
 * without this one a quiet author's catch-up scanned every newer message.
 * Partial like the others: flagged messages are never read back.
 */
export class Migration20261129000000_author_id_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists "messages_author_id_idx" on "messages" ("author_id", "id") where not "flagged";`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "messages_author_id_idx";`);
  }
}
