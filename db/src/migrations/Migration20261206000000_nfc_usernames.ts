import { Migration } from '@mikro-orm/migrations';

/**
 * Names are stored and looked up in Unicode NFC from now on
 * (domain/usernames.ts), so a name registered before in another spelling
 * would be found by no one, its owner included. This brings those rows, and
 * only those, to NFC — a change no reader can see. Where the NFC spelling is
 * already someone's (two look-alike accounts), the later account keeps its
 * old spelling: the name belongs to the one that has it, and no row is lost.
 * Of several old spellings of one free name, the oldest account gets it.
 */
export const CANONICAL_USERNAMES = `
  update "users" u set "username" = normalize(u."username", NFC)
  from (
    select distinct on (normalize("username", NFC)) "id" from "users"
    where "username" is not nfc normalized
    order by normalize("username", NFC), "id"
  ) "oldest"
  where u."id" = "oldest"."id"
    and not exists (select 1 from "users" o where o."username" = normalize(u."username", NFC));`;

export class Migration20261206000000_nfc_usernames extends Migration {
  override async up(): Promise<void> {
    this.addSql(CANONICAL_USERNAMES);
  }

  // Which spelling each row had is not kept: the change is not undone, and no reader can tell.
  override async down(): Promise<void> {}
}
