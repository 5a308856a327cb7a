import { Migration } from '@mikro-orm/migrations';

/**
 * A profile's followers, paged by follower id (issue 22 item 12): the old
 * index on ("whom_id") alone finds them but not in id order, so every page
 * would sort all of a popular user's followers. This one serves the count and
 * each page as a range scan. It replaces the old one (same leading column, so
 * every query the previous release runs uses it just as well), so a follow
 * still updates as many indexes. The following side is the primary key
 * ("who_id", "whom_id").
 */
export class Migration20261206100100_followers_by_whom_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index if not exists "followers_whom_who_idx" on "followers" ("whom_id", "who_id");`);
    this.addSql(`drop index if exists "followers_whom_idx";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index if not exists "followers_whom_idx" on "followers" ("whom_id");`);
    this.addSql(`drop index if exists "followers_whom_who_idx";`);
  }
}
