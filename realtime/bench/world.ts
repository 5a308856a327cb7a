import { randomBytes } from 'node:crypto';
import type { Database } from '@minitwit/db';
import type { LiveScope } from '../src/contract';
import { options } from './options';

export interface World {
  authors: { id: number; username: string }[];
  viewers: { id: number; token: string; follows: number[] }[];
}

/** What one bench client watches; plain data, sent to the client processes. */
export interface WatchSpec {
  index: number;
  url: string;
  scope: LiveScope;
  sessionToken?: string;
}

/** Bench users straight into the tables: setup is not what is measured, and hashing 2,000 passwords is slow. */
export async function seed(db: Database): Promise<World> {
  const tag = randomBytes(3).toString('hex');
  const insertUsers = (kind: string, count: number) =>
    db.sql<{ id: number; username: string }>(
      `insert into "users" ("username", "email", "pw_hash")
       select $1 || g, $1 || g || '@example.com', 'bench' from generate_series(1, $2::int) g
       returning "id", "username"`,
      [`bench-${kind}-${tag}-`, count],
    );
  const authors = await insertUsers('author', options.authors);
  const viewerRows = await insertUsers('viewer', options.viewers);
  const authorIds = authors.map((author) => author.id);
  const who: number[] = [];
  const whom: number[] = [];
  const viewers: World['viewers'] = [];
  for (const { id } of viewerRows) {
    const follows = sample(authorIds, Math.min(options.follows, authorIds.length));
    for (const followed of follows) {
      who.push(id);
      whom.push(followed);
    }
    viewers.push({ id, token: '', follows });
  }
  await db.sql(`insert into "followers" ("who_id", "whom_id") select unnest($1::int[]), unnest($2::int[])`, [
    who,
    whom,
  ]);
  await Promise.all(viewers.map(async (viewer) => (viewer.token = await db.sessions.create(viewer.id, 7_200_000))));
  return { authors, viewers };
}

/** `count` distinct items, uniformly (partial Fisher–Yates). */
function sample<T>(items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = 0; i < count; i += 1) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

/**
 * The K watches, round-robin over the servers, in the mix public:user:home.
 * A user page shows one author; My Timeline shows a viewer and whom they
 * follow (viewers repeat when home watches outnumber them: a second tab).
 * `wants[i]` answers whether watch i should get a message by an author.
 */
export function watchesFor(world: World, urls: string[]) {
  const [pub, user] = options.mix;
  const total = options.mix.reduce((a, b) => a + b, 0);
  const specs: WatchSpec[] = [];
  const wants: ((authorId: number) => boolean)[] = [];
  for (let i = 0; i < options.clients; i += 1) {
    const url = urls[i % urls.length]!;
    // A stride coprime with most totals spreads each kind evenly over the servers and processes.
    const slot = ((i * 7919) % total) + 0.5;
    if (slot < pub) {
      specs.push({ index: i, url, scope: { kind: 'public' } });
      wants.push(() => true);
    } else if (slot < pub + user) {
      const authorId = world.authors[Math.floor(Math.random() * world.authors.length)]!.id;
      specs.push({ index: i, url, scope: { kind: 'user', userId: authorId } });
      wants.push((id) => id === authorId);
    } else {
      const viewer = world.viewers[i % world.viewers.length]!;
      const followed = new Set([viewer.id, ...viewer.follows]);
      specs.push({ index: i, url, scope: { kind: 'home' }, sessionToken: viewer.token });
      wants.push((id) => followed.has(id));
    }
  }
  return { specs, wants };
}
