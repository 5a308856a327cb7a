import type { FollowChanged } from '@minitwit/realtime/client';

/** A profile's two figures, as its header shows them. */
export interface ProfileCounts {
  followers: number;
  following: number;
}

/** How the signed-in viewer stands to the profile shown (the page's own follow state). */
export type FollowState = 'self' | 'following' | 'not-following' | 'signed-out';

/** The counts after one live follow or unfollow: whom gains or loses a follower, who a followed account. */
export function countsAfter(counts: ProfileCounts, change: FollowChanged, profileId: number): ProfileCounts {
  const step = change.following ? 1 : -1;
  return {
    followers: Math.max(0, counts.followers + (change.whomId === profileId ? step : 0)),
    following: Math.max(0, counts.following + (change.whoId === profileId ? step : 0)),
  };
}

/**
 * The viewer's own follow of this profile reaches the page twice: as the live
 * event and in the page data reloaded after the form. When the data already
 * shows the state the event brings, the counts read with it include it.
 */
export function alreadyCounted(
  change: FollowChanged,
  page: { profileId: number; viewerId: number | null; follow: FollowState },
): boolean {
  if (change.whoId !== page.viewerId || change.whomId !== page.profileId) return false;
  return change.following === (page.follow === 'following');
}

export const followersLabel = (count: number): string => (count === 1 ? 'follower' : 'followers');
