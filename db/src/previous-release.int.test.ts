/**
 * Rollback across a migration: the previous release runs on the schema the
 * current release migrated (docs/decisions.md, "Migrations are expand/contract").
 *
 * Design. A rollback leaves the database as it is: the newer release's
 * migrations stay applied and the older code runs on them. So this test
 *   1. creates a fresh PostgreSQL database and applies every migration of the
 *      working tree (the release being made), then writes through the current
 *      code, including what only it can do (a message deleted by its author);
 *   2. takes the previous release's db package from git, without touching the
 *      shared working tree (`git archive <rev> db | tar -x`, into
 *      node_modules/.cache, where its npm imports resolve; a git worktree
 *      is not wanted in a tree several people edit);
 *   3. runs the old release's migrate tool (a rollback redeploys its migrate
 *      job: it must accept a schema with migrations it does not know), then
 *      db/src/tools/previous-release-driver.ts inside that old package
 *      (so its `../index` is the old code), as a service of that release opens
 *      the database (DATABASE_MIGRATIONS=wait): it must start, read what the
 *      newer release wrote and write as it always did;
 *   4. reads the old release's writes back through the current code.
 * The previous release is PREVIOUS_RELEASE_REF when set, else the commit before
 * the newest migration was added: the last version that did not know it, the
 * one a rollback across that migration returns to. The test checks that this
 * version really lacks a migration of the current list, so it crosses one.
 * No Docker: old code as source under tsx, one PostgreSQL database.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsList } from './migrations';
import { type TestDatabase, createTestDatabase, postgresUrl } from './testing';

const root = fileURLToPath(new URL('../..', import.meta.url));
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

function previousRelease(): string | undefined {
  try {
    if (process.env.PREVIOUS_RELEASE_REF)
      return git('rev-parse', '--verify', `${process.env.PREVIOUS_RELEASE_REF}^{commit}`);
    const added = git('log', '-1', '--format=%H', '--diff-filter=A', 'HEAD', '--', 'db/src/migrations/');
    return added ? git('rev-parse', '--verify', `${added}^`) : undefined;
  } catch {
    return undefined; // not a git checkout, or a shallow one without that commit
  }
}

const previous = previousRelease();
const skipped = !postgresUrl
  ? 'DATABASE_URL is not set'
  : !previous
    ? 'no git history to take the previous release from (a shallow clone? fetch-depth: 0)'
    : undefined;
if (skipped) console.warn(`SKIPPED: rollback across a migration (previous release on the new schema) — ${skipped}`);

/** The previous release's db package, extracted once per revision. */
async function extract(revision: string): Promise<string> {
  const cache = join(root, 'node_modules/.cache/minitwit-previous-release');
  const target = join(cache, revision);
  if (!existsSync(join(target, 'db/src/index.ts'))) {
    await mkdir(cache, { recursive: true });
    const staging = await mkdtemp(join(cache, 'staging-'));
    execFileSync('sh', ['-c', `git archive "${revision}" db | tar -x -C "${staging}"`], { cwd: root });
    // Atomic: two test runs at once both extract, one rename wins, neither sees half a tree.
    await rename(staging, target).catch(() => rm(staging, { recursive: true, force: true }));
  }
  await copyFile(
    join(root, 'db/src/tools/previous-release-driver.ts'),
    join(target, 'db/src/tools/previous-release-driver.ts'),
  );
  return target;
}

describe.skipIf(skipped)('rollback across a migration: the previous release on the migrated schema', () => {
  let database: TestDatabase;
  let oldTree: string;
  const run = Date.now().toString(36);
  const fixtures = {
    author: `new${run}`,
    password: 'rollback-password',
    visible: `written by the new release ${run}`,
    deleted: `deleted by the new release ${run}`,
    oldAuthor: `old${run}`,
    oldFollower: `oldf${run}`,
    oldText: `written by the previous release ${run}`,
  };

  beforeAll(async () => {
    oldTree = await extract(previous!);
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('the previous release lacks at least one migration of this one (the test crosses a schema change)', async () => {
    const oldList = await readFile(join(oldTree, 'db/src/migrations/index.ts'), 'utf8');
    const newer = migrationsList.map((migration) => migration.name).filter((name) => !oldList.includes(`'${name}'`));
    console.warn(`previous release ${previous!.slice(0, 10)}: the migrations it does not know: ${newer.join(', ')}`);
    if (!process.env.PREVIOUS_RELEASE_REF) expect(newer.length).toBeGreaterThan(0);
  });

  it('its migrate job passes, it starts on the migrated database, reads the new release’s writes, writes as it did; the new release reads them', async () => {
    const { db } = database;
    const author = await db.users.register({
      username: fixtures.author,
      email: `${fixtures.author}@example.com`,
      password: fixtures.password,
    });
    await db.messages.post(author.id, fixtures.visible);
    const doomed = await db.messages.post(author.id, fixtures.deleted);
    // A current-release feature on a column the previous release never heard of (deleted_at).
    await db.messages.deleteOwn(author.id, doomed.id);

    // A rollback redeploys the previous release's migrate job too: it must find nothing to do.
    const migrated = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(oldTree, 'db/src/tools/migrate.ts')],
      { cwd: root, timeout: 90_000, env: { ...process.env, DATABASE_URL: database.url! } },
    );
    expect(migrated.stdout).toMatch(/migrate: schema up to date/);

    const driver = join(oldTree, 'db/src/tools/previous-release-driver.ts');
    const output = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', driver, database.url!, JSON.stringify(fixtures)],
      { cwd: root, timeout: 90_000 },
    ).then(
      ({ stdout }) => stdout,
      (error: { stdout?: string; stderr?: string; message: string }) =>
        error.stdout || `${JSON.stringify({ ok: false, error: error.stderr || error.message })}\n`,
    );
    const report = JSON.parse(output.trim().split('\n').at(-1)!) as { ok: boolean; steps: string[] };
    expect(report).toMatchObject({ ok: true });
    expect(report.steps).toHaveLength(4);

    const oldAuthor = await db.users.checkLogin(fixtures.oldAuthor, fixtures.password);
    const page = await db.timelines.page({ kind: 'user', userId: oldAuthor.id }, { limit: 10 });
    expect(page.messages.map((message) => message.text)).toEqual([fixtures.oldText]);
    const follower = await db.users.checkLogin(fixtures.oldFollower, fixtures.password);
    const home = await db.timelines.page({ kind: 'home', userId: follower.id }, { limit: 10 });
    expect(home.messages.map((message) => message.text).sort()).toEqual([fixtures.oldText, fixtures.visible].sort());
  });
});
