import { Migration } from '@mikro-orm/migrations';

/**
 * The public timeline index, now carrying `author_id`: My Timeline for a
 * viewer who follows many accounts reads a bounded window of the newest
 * public entries and keeps those by followed authors, from the index alone
 * (docs/decisions.md, "Bounded timelines"). It replaces the old public index
 * (same order, same predicate), so a post still updates as many indexes.
 */
export class Migration20261129000100_public_covering_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists "messages_public_author_idx" on "messages" ("pub_date" desc, "id" desc) include ("author_id") where not "flagged";`,
    );
    this.addSql(`drop index if exists "messages_public_timeline_idx";`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `create index "messages_public_timeline_idx" on "messages" ("pub_date" desc, "id" desc) where not "flagged";`,
    );
    this.addSql(`drop index "messages_public_author_idx";`);
  }
}
