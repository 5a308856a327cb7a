import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127000000_initial } from './Migration20261127000000_initial';
import { Migration20261127000100_sessions } from './Migration20261127000100_sessions';
import { Migration20261129000000_author_id_index } from './Migration20261129000000_author_id_index';
import { Migration20261129000100_public_covering_index } from './Migration20261129000100_public_covering_index';
import { Migration20261129000200_rate_limits } from './Migration20261129000200_rate_limits';
import { Migration20261206000000_nfc_usernames } from './Migration20261206000000_nfc_usernames';
import { Migration20261206010000_post_form_tokens } from './Migration20261206010000_post_form_tokens';
import { Migration20261206100000_message_deleted_at } from './Migration20261206100000_message_deleted_at';
import { Migration20261206100100_followers_by_whom_index } from './Migration20261206100100_followers_by_whom_index';
import { Migration20261206200000_mentions } from './Migration20261206200000_mentions';

/**
 * Every migration in order. Listed by hand rather than discovered from the
 * folder so the same list works under tsx, in a bundle and in tests.
 * Never edit one that has landed: add the next.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261127000000_initial', class: Migration20261127000000_initial },
  { name: 'Migration20261127000100_sessions', class: Migration20261127000100_sessions },
  { name: 'Migration20261129000000_author_id_index', class: Migration20261129000000_author_id_index },
  { name: 'Migration20261129000100_public_covering_index', class: Migration20261129000100_public_covering_index },
  { name: 'Migration20261129000200_rate_limits', class: Migration20261129000200_rate_limits },
  { name: 'Migration20261206000000_nfc_usernames', class: Migration20261206000000_nfc_usernames },
  { name: 'Migration20261206010000_post_form_tokens', class: Migration20261206010000_post_form_tokens },
  { name: 'Migration20261206100000_message_deleted_at', class: Migration20261206100000_message_deleted_at },
  { name: 'Migration20261206100100_followers_by_whom_index', class: Migration20261206100100_followers_by_whom_index },
  { name: 'Migration20261206200000_mentions', class: Migration20261206200000_mentions },
];
