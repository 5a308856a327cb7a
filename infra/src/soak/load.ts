import type { LiveScope } from '@minitwit/realtime/client';
import { SIMULATOR_AUTH, send } from '@minitwit/api/testing/http-client';
import { type LivePage, openPage } from '../faults/support/live-pages';
import { webGet, webPost } from '../faults/support/web-client';
import type { World } from '../faults/support/world';
import { postMessage } from '../faults/support/writers';

/** What the soak did, and what went wrong (every request is expected to succeed). */
export interface LoadCounts {
  apiPosts: number;
  apiFollows: number;
  pageViews: number;
  webPosts: number;
  socketsOpened: number;
  socketsClosed: number;
  failures: Map<string, number>;
}

export interface SoakTargets {
  apiUrl: string;
  webUrl: string;
  /** Where browsers open their live connection (the balancer over the realtime servers). */
  liveUrl: string;
  world: World;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The soak's mixed load, until `running()` turns false: simulator posts (~20/s)
 * and follows/unfollows (~2/s), page views (~6/s) and web posts (~1/s), and
 * live pages joining and leaving (40 open, 4 replaced per second). Each loop
 * is paced, so the load is the same on a fast or a slow machine.
 */
export async function runLoad(
  targets: SoakTargets,
  running: () => boolean,
): Promise<{ counts: LoadCounts; pages: LivePage[] }> {
  const { world } = targets;
  const counts: LoadCounts = {
    apiPosts: 0,
    apiFollows: 0,
    pageViews: 0,
    webPosts: 0,
    socketsOpened: 0,
    socketsClosed: 0,
    failures: new Map(),
  };
  const fail = (what: string) => counts.failures.set(what, (counts.failures.get(what) ?? 0) + 1);
  const paced = async (perSecond: number, step: () => Promise<void>) => {
    while (running()) {
      const due = Date.now() + 1_000 / perSecond;
      await step();
      await sleep(Math.max(0, due - Date.now()));
    }
  };

  const randomScope = (): { scope: LiveScope; viewer?: World['viewers'][number] } => {
    const kind = Math.random();
    if (kind < 0.4) return { scope: { kind: 'public' } };
    if (kind < 0.7) return { scope: { kind: 'user', userId: pick(world.authors).id } };
    const viewer = pick(world.viewers);
    return { scope: { kind: 'home' }, viewer };
  };
  const open = (): LivePage => {
    const { scope, viewer } = randomScope();
    counts.socketsOpened += 1;
    return openPage({
      url: targets.liveUrl,
      scope,
      startId: 0,
      viewerId: viewer?.id,
      sessionToken: viewer?.sessionToken,
    });
  };
  const pages: LivePage[] = Array.from({ length: 40 }, open);
  let n = 0;

  await Promise.all([
    // Two simulator posters, 10/s each.
    ...[0, 1].map(() =>
      paced(10, async () => {
        const record = await postMessage(targets.apiUrl, pick(world.authors).username, `soak ${(n += 1)}`);
        if (record.status === 204) counts.apiPosts += 1;
        else fail(`api post ${record.status || record.error}`);
      }),
    ),
    paced(2, async () => {
      const viewer = pick(world.viewers);
      const body =
        Math.random() < 0.5 ? { follow: pick(world.authors).username } : { unfollow: pick(world.authors).username };
      const answer = await send(targets.apiUrl, {
        method: 'POST',
        path: `/fllws/${encodeURIComponent(viewer.username)}`,
        headers: { Authorization: SIMULATOR_AUTH },
        body,
      }).catch(() => undefined);
      if (answer?.status === 204) counts.apiFollows += 1;
      else fail(`api follow ${answer?.status ?? 'no answer'}`);
    }),
    ...[0, 1].map(() =>
      paced(3, async () => {
        const path = pick(['/public', `/${encodeURIComponent(pick(world.authors).username)}`]);
        const record = await webGet(targets.webUrl, path);
        if (record.status === 200) counts.pageViews += 1;
        else fail(`page view ${record.status || record.error}`);
      }),
    ),
    paced(1, async () => {
      const record = await webPost(targets.webUrl, pick(world.viewers).sessionToken, `soak web ${(n += 1)}`);
      if (record.status === 303) counts.webPosts += 1;
      else fail(`web post ${record.status || record.error}`);
    }),
    // Live pages come and go: a reader leaves, another opens a page.
    paced(2, async () => {
      for (let k = 0; k < 2; k += 1) {
        const index = Math.floor(Math.random() * pages.length);
        pages[index]!.stop();
        counts.socketsClosed += 1;
        pages[index] = open();
      }
    }),
  ]);
  return { counts, pages };
}
