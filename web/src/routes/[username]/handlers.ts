import { type FollowChange, isDomainError } from '@minitwit/db';
import { error, redirect } from '@sveltejs/kit';
import type { FollowState } from '$lib/follow-counts';
import { userPath } from '$lib/user-path';
import { requireUser } from '$lib/server/auth';
import { addFlash } from '$lib/server/cookies';
import { commands } from '$lib/server/commands';
import { database } from '$lib/server/database';
import { loadTimeline } from '$lib/server/timeline-loader';
import type { PageServerLoadEvent, RequestEvent } from './$types';

export const load = async ({ params, locals, url }: PageServerLoadEvent) => {
  const db = await database();
  const profile = await db.users.findByUsername(params.username);
  if (!profile) error(404, 'User not found');
  const viewer = locals.user;
  let follow: FollowState = 'signed-out';
  if (viewer) {
    if (viewer.id === profile.id) follow = 'self';
    else follow = (await db.follows.isFollowing(viewer.id, profile.id)) ? 'following' : 'not-following';
  }
  const [counts, timeline] = await Promise.all([
    db.follows.counts(profile.id),
    loadTimeline({ kind: 'user', userId: profile.id }, url),
  ]);
  return {
    profile: { id: profile.id, username: profile.username },
    follow,
    /** Who is looking, so the page can tell its own follow's live event from the reload that also shows it. */
    viewerId: viewer?.id ?? null,
    counts,
    timeline,
  };
};

/** Waits for a follow-graph command, 404 when the other user does not exist. */
async function followCommand(change: Promise<FollowChange>): Promise<void> {
  try {
    await change;
  } catch (cause) {
    if (isDomainError(cause) && cause.kind === 'not_found') error(404, 'User not found');
    throw cause;
  }
}

export const followAction = async ({ params, locals, cookies, url }: RequestEvent) => {
  const viewer = requireUser(locals);
  await followCommand((await commands()).follow(viewer.username, params.username));
  addFlash(cookies, url, `You are now following "${params.username}"`);
  redirect(303, userPath(params.username));
};

export const unfollowAction = async ({ params, locals, cookies, url }: RequestEvent) => {
  const viewer = requireUser(locals);
  await followCommand((await commands()).unfollow(viewer.username, params.username));
  addFlash(cookies, url, `You are no longer following "${params.username}"`);
  redirect(303, userPath(params.username));
};
