import { describe, expect, it } from 'vitest';
import { alreadyCounted, countsAfter, followersLabel } from './follow-counts';

describe('live profile counts', () => {
  const profileId = 7;

  it('adds and takes away on the side of the profile the change touches', () => {
    const start = { followers: 3, following: 1 };
    expect(countsAfter(start, { whoId: 9, whomId: 7, following: true }, profileId)).toEqual({
      followers: 4,
      following: 1,
    });
    expect(countsAfter(start, { whoId: 7, whomId: 9, following: false }, profileId)).toEqual({
      followers: 3,
      following: 0,
    });
    expect(countsAfter(start, { whoId: 8, whomId: 9, following: true }, profileId)).toEqual(start);
    expect(countsAfter({ followers: 0, following: 0 }, { whoId: 9, whomId: 7, following: false }, profileId)).toEqual({
      followers: 0,
      following: 0,
    });
  });

  it("skips the viewer's own follow once the reloaded page already shows it", () => {
    const follow = { whoId: 2, whomId: 7, following: true };
    expect(alreadyCounted(follow, { profileId, viewerId: 2, follow: 'following' })).toBe(true);
    expect(alreadyCounted(follow, { profileId, viewerId: 2, follow: 'not-following' })).toBe(false);
    expect(alreadyCounted({ ...follow, following: false }, { profileId, viewerId: 2, follow: 'not-following' })).toBe(
      true,
    );
    // Someone else's follow always counts.
    expect(alreadyCounted(follow, { profileId, viewerId: 3, follow: 'following' })).toBe(false);
    expect(alreadyCounted(follow, { profileId, viewerId: null, follow: 'signed-out' })).toBe(false);
  });

  it('says follower for one', () => {
    expect([0, 1, 2].map(followersLabel)).toEqual(['followers', 'follower', 'followers']);
  });
});
