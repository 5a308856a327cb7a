import { gravatarUrl } from '@minitwit/db';
import { error } from '@sveltejs/kit';
import { database } from './database';

export const LIST_PAGE_SIZE = 30;

/** Ids are PostgreSQL integers: a larger `after` is the reader's mistake, not the database's. */
const MAX_ID = 2_147_483_647;

export interface FollowListView {
  profile: { username: string };
  people: { username: string; avatarUrl: string }[];
  /** `?after=<id>` for the next page, null on the last. */
  nextHref: string | null;
  /** Not the first page: the page links back to it. */
  paged: boolean;
}

/**
 * One page of a profile's followers or of whom it follows, server-rendered,
 * paged like the timelines: the cursor names the last user shown, so a page
 * stays the same while people follow on.
 */
export async function loadFollowList(
  list: 'followers' | 'following',
  username: string,
  url: URL,
): Promise<FollowListView> {
  const afterText = url.searchParams.get('after');
  let after: number | undefined;
  if (afterText !== null) {
    after = /^\d{1,10}$/.test(afterText) ? Number(afterText) : Number.NaN;
    if (!(after <= MAX_ID)) error(400, 'The page cursor is not valid');
  }
  const db = await database();
  const profile = await db.users.findByUsername(username);
  if (!profile) error(404, 'User not found');
  const page = await db.follows.listPage(list, profile.id, { limit: LIST_PAGE_SIZE, after });
  return {
    profile: { username: profile.username },
    people: page.users.map((user) => ({ username: user.username, avatarUrl: gravatarUrl(user.email) })),
    nextHref: page.nextAfter === null ? null : `?${new URLSearchParams({ after: String(page.nextAfter) })}`,
    paged: after !== undefined,
  };
}
