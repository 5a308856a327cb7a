import type { Database } from '@minitwit/db';

/** Authors who post, and viewers who follow some of them and hold a web session (for My Timeline). */
export interface World {
  authors: Array<{ id: number; username: string }>;
  viewers: Array<{ id: number; username: string; sessionToken: string; follows: number[] }>;
}

/** Registers the people a fault scenario needs, straight through the domain (as the web app would). */
export async function buildWorld(
  db: Database,
  options: { authors: number; viewers: number; followsEach: number },
): Promise<World> {
  const register = (username: string) =>
    db.users.register({
      username,
      email: `${username.replace(/\W/g, '')}@example.com`,
      password: 'secret-password',
      password2: 'secret-password',
    });
  const authors = [];
  for (let i = 0; i < options.authors; i += 1) {
    const user = await register(`author ${i}`);
    authors.push({ id: user.id, username: user.username });
  }
  const viewers = [];
  for (let i = 0; i < options.viewers; i += 1) {
    const user = await register(`viewer ${i}`);
    const follows: number[] = [];
    for (let k = 0; k < options.followsEach; k += 1) {
      const author = authors[(i + k) % authors.length]!;
      await db.follows.follow(user.username, author.username);
      follows.push(author.id);
    }
    const sessionToken = await db.sessions.create(user.id, 3_600_000);
    viewers.push({ id: user.id, username: user.username, sessionToken, follows });
  }
  return { authors, viewers };
}
