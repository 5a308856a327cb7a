/**
 * The release notes of a version: every commit since the previous version tag,
 * newest first, one line each (the commit subject says what and why, by the
 * house rule), in CHANGELOG.md below the earlier versions' and alone for
 * the GitHub release body. Run by infra/release/release.sh; usable by hand:
 *
 *   tsx infra/release/changelog.ts --version 1.2.0 [--ref HEAD] [--changelog release/CHANGELOG.md] [--notes release/notes.md]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface Commit {
  hash: string;
  subject: string;
}

const HEADER =
  '# Changelog\n\nGenerated at each release by infra/release/changelog.ts from the commits since the previous tag.\n';

/** `## 1.2.0 (2026-12-06)` and one line per commit; an empty range says so rather than leaving a bare heading. */
export function renderSection(version: string, date: string, commits: Commit[], previousTag?: string): string {
  const since = previousTag ? `Changes since ${previousTag}` : 'Changes since the first commit';
  const lines = commits.length
    ? commits.map((commit) => `- ${commit.subject.replace(/^\s*[-*]\s*/, '')} (${commit.hash.slice(0, 7)})`)
    : ['- No changes.'];
  return `## ${version} (${date})\n\n${since}:\n\n${lines.join('\n')}\n`;
}

/** The whole file: the header, then one section per version, newest first. */
export function renderChangelog(sections: string[]): string {
  return [HEADER, ...sections].join('\n');
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The version tags reachable from ref, newest version first. */
export function versionTags(cwd: string, ref: string): string[] {
  const out = git(cwd, ['tag', '--merged', ref, '--list', 'v[0-9]*', '--sort=-v:refname']);
  return out ? out.split('\n') : [];
}

export function commitsSince(cwd: string, ref: string, since: string | undefined): Commit[] {
  const range = since ? `${since}..${ref}` : ref;
  const out = git(cwd, ['log', '--no-merges', '--format=%H%x1f%s', range]);
  return out
    ? out.split('\n').map((line) => {
        const [hash, subject] = line.split('\x1f');
        return { hash: hash!, subject: subject ?? '' };
      })
    : [];
}

/**
 * Writes CHANGELOG.md (every version up to `version` at `ref`, each with the
 * commits since the tag before it) and the notes file (the new section alone).
 * Built from the tags each time, so a fresh clone at release writes the whole history.
 */
export function generateChangelog(options: {
  cwd: string;
  version: string;
  ref: string;
  changelog: string;
  notes?: string;
  date?: string;
}): string {
  const older = versionTags(options.cwd, options.ref).filter((tag) => tag !== `v${options.version}`);
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const section = renderSection(options.version, date, commitsSince(options.cwd, options.ref, older[0]), older[0]);
  const previous = older.map((tag, index) =>
    renderSection(
      tag.replace(/^v/, ''),
      git(options.cwd, ['log', '-1', '--format=%cs', tag]),
      commitsSince(options.cwd, tag, older[index + 1]),
      older[index + 1],
    ),
  );
  writeFileSync(options.changelog, renderChangelog([section, ...previous]));
  if (options.notes) writeFileSync(options.notes, section);
  return section;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      version: { type: 'string' },
      ref: { type: 'string', default: 'HEAD' },
      changelog: { type: 'string', default: 'CHANGELOG.md' },
      notes: { type: 'string' },
    },
  });
  if (!values.version) {
    process.stderr.write(
      'usage: changelog.ts --version X.Y.Z [--ref HEAD] [--changelog CHANGELOG.md] [--notes file]\n',
    );
    process.exit(2);
  }
  const section = generateChangelog({
    cwd: process.cwd(),
    version: values.version.replace(/^v/, ''),
    ref: values.ref,
    changelog: values.changelog,
    notes: values.notes,
  });
  process.stdout.write(section);
}
