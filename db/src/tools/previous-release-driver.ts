/**
 * What a release does with the database, run by db/src/previous-release.int.test.ts
 * inside the PREVIOUS release's db package (the test copies this file there, so
 * `../index` is that release's code) against a database the CURRENT release has
 * migrated: the proof that the previous version still runs on the migrated schema,
 * which a rollback needs (docs/decisions.md, "Migrations are expand/contract").
 * It uses only the long-stable domain API (register, post, follow, timelines,
 * sessions, flag); when that API changes, keep this file to the older shape for
 * one release, as the schema is kept.
 * Usage: tsx <old db>/src/tools/previous-release-driver.ts <database-url> <fixtures-json>
 * Prints one JSON line: { ok, steps } or { ok: false, step, error }; exit 1 on failure.
 */
import { openDatabase } from '../index';

interface Fixtures {
  /** Written by the current release before this runs: its user, password, a message, a deleted message. */
  author: string;
  password: string;
  visible: string;
  deleted: string;
  /** Names this run registers, so the current release can read them back afterwards. */
  oldAuthor: string;
  oldFollower: string;
  oldText: string;
}

const [url, fixturesJson] = process.argv.slice(2);
if (!url || !fixturesJson) {
  process.stderr.write('usage: previous-release-driver.ts <database-url> <fixtures-json>\n');
  process.exit(2);
}
const fixtures = JSON.parse(fixturesJson) as Fixtures;
const steps: string[] = [];
let current = 'open (DATABASE_MIGRATIONS=wait: every migration this release knows is recorded)';

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

try {
  // As a deployed service opens it: wait mode, never migrating (the newer schema is already there).
  const db = await openDatabase({ url, dataDir: '', poolSize: 2, migrations: 'wait', migrationWaitMs: 10_000 });
  steps.push(current);
  try {
    current = 'read what the newer release wrote: public timeline, user timeline, sign-in';
    const publicPage = await db.timelines.page({ kind: 'public' }, { limit: 50 });
    const texts = publicPage.messages.map((message) => message.text);
    expect(
      texts.includes(fixtures.visible),
      `public timeline lacks the newer release's message: ${JSON.stringify(texts)}`,
    );
    expect(!texts.includes(fixtures.deleted), 'public timeline shows a message the newer release deleted');
    const author = await db.users.checkLogin(fixtures.author, fixtures.password);
    const own = await db.timelines.page({ kind: 'user', userId: author.id }, { limit: 50 });
    expect(
      own.messages.map((message) => message.text).join('|') === fixtures.visible,
      `user timeline: ${JSON.stringify(own.messages.map((message) => message.text))}`,
    );
    steps.push(current);

    current = 'write as this release: register (with latest), post, follow, home timeline, catch-up';
    const oldAuthor = await db.users.register(
      { username: fixtures.oldAuthor, email: `${fixtures.oldAuthor}@example.com`, password: fixtures.password },
      { latest: 7001 },
    );
    const follower = await db.users.register({
      username: fixtures.oldFollower,
      email: `${fixtures.oldFollower}@example.com`,
      password: fixtures.password,
    });
    const posted = await db.messages.postAs(fixtures.oldAuthor, fixtures.oldText, { latest: 7002 });
    await db.follows.follow(fixtures.oldFollower, fixtures.oldAuthor, { latest: 7003 });
    await db.follows.follow(fixtures.oldFollower, fixtures.author);
    const home = await db.timelines.page({ kind: 'home', userId: follower.id }, { limit: 50 });
    const homeTexts = home.messages.map((message) => message.text);
    expect(
      homeTexts.includes(fixtures.oldText) &&
        homeTexts.includes(fixtures.visible) &&
        !homeTexts.includes(fixtures.deleted),
      `home timeline: ${JSON.stringify(homeTexts)}`,
    );
    const since = await db.timelines.since({ kind: 'user', userId: oldAuthor.id }, posted.id - 1, 10);
    expect(since.length === 1 && since[0]!.id === posted.id, `catch-up: ${JSON.stringify(since)}`);
    steps.push(current);

    current = 'sessions: create, look up, destroy';
    const token = await db.sessions.create(follower.id, 60_000);
    expect((await db.sessions.userFor(token))?.id === follower.id, 'session lookup');
    await db.sessions.destroy(token);
    expect((await db.sessions.userFor(token)) === null, 'destroyed session still found');
    steps.push(current);
  } finally {
    await db.close();
  }
  process.stdout.write(`${JSON.stringify({ ok: true, steps })}\n`);
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, steps, step: current, error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
}
