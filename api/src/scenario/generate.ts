/**
 * Simulator-like scenarios: registrations, posts, follows and unfollows in the
 * course simulator's mix, with usernames and texts chosen to break naive code
 * (spaces, Unicode, quotes, markup, `&`, emoji, right-to-left). A scenario
 * carries its own expected final state, so a replay can be checked exactly.
 */
import { seededRandom } from '@minitwit/db/testing';

export type Action =
  | { kind: 'register'; latest: number; username: string; email: string; pwd: string }
  | { kind: 'post'; latest: number; username: string; content: string }
  | { kind: 'follow' | 'unfollow'; latest: number; username: string; other: string };

export type ActionKind = Action['kind'];

export interface ExpectedState {
  /** Each user's messages, oldest first. */
  messages: Map<string, string[]>;
  follows: Map<string, Set<string>>;
  latest: number;
}

export interface Scenario {
  actions: Action[];
  expected: ExpectedState;
}

export interface ScenarioOptions {
  actions: number;
  seed?: number;
  /** Shares of each kind; defaults to the course simulator's. */
  mix?: Record<ActionKind, number>;
}

export const SIMULATOR_MIX: Record<ActionKind, number> = {
  register: 0.008,
  post: 0.44,
  follow: 0.38,
  unfollow: 0.172,
};

const NAME_PARTS = ['Anna', 'Jöns Ærø', '李 雷', 'Zoë', "O'Brien", 'Ωmega', 'émoji 🐦', 'שלום', 'a&b', '<i>tag</i>'];
const TEXT_PARTS = [
  'Hello, world!',
  'Quotes: "double" and \'single\'',
  '<script>alert("x")</script>',
  'Fish & chips &amp; more',
  'Emoji 🐦🔥👍🏽',
  'עברית מימין לשמאל',
  'العربية',
  '   leading and trailing spaces   ',
  'back\\slash and /slash/',
  'multi\nline',
];

export function generateScenario({ actions: count, seed = 42, mix = SIMULATOR_MIX }: ScenarioOptions): Scenario {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const users: string[] = [];
  const messages = new Map<string, string[]>();
  const follows = new Map<string, Set<string>>();
  const actions: Action[] = [];
  const total = mix.register + mix.post + mix.follow + mix.unfollow;

  for (let latest = 1; latest <= count; latest++) {
    let roll = next() * total;
    let kind: ActionKind = 'register';
    // Posting and following need people; the first few actions register them.
    if (users.length >= 2) {
      for (const candidate of ['register', 'post', 'follow', 'unfollow'] as const) {
        kind = candidate;
        if ((roll -= mix[candidate]) < 0) break;
      }
    }
    if (kind === 'register') {
      const username = `${pick(NAME_PARTS)} ${users.length}`;
      users.push(username);
      messages.set(username, []);
      follows.set(username, new Set());
      actions.push({ kind, latest, username, email: `user${users.length}@example.com`, pwd: `pw ${latest}` });
    } else if (kind === 'post') {
      const username = pick(users);
      const content = `${pick(TEXT_PARTS)} #${latest}`;
      messages.get(username)?.push(content);
      actions.push({ kind, latest, username, content });
    } else {
      const username = pick(users);
      const followed = follows.get(username) ?? new Set<string>();
      // An unfollow mostly targets someone followed; the rest exercise the no-op paths.
      const other = kind === 'unfollow' && followed.size > 0 && next() < 0.9 ? pick([...followed]) : pick(users);
      if (other === username) {
        latest--;
        continue;
      }
      if (kind === 'follow') followed.add(other);
      else followed.delete(other);
      actions.push({ kind, latest, username, other });
    }
  }
  return { actions, expected: { messages, follows, latest: actions.at(-1)?.latest ?? 0 } };
}
