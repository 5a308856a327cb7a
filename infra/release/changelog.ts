/**
 * The release notes of a version: every commit since the previous version tag,
 * newest first, one line each (the commit subject says what and why, by the
 * house rule), prepended to CHANGELOG.md and written alone for the GitHub
 * release body. Run by infra/release/release.sh; usable by hand:
 *
 *   tsx infra/release/changelog.ts --version 1.2.0 [--ref HEAD] [--changelog CHANGELOG.md] [--notes notes.md]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The new section goes first, under the header; a section for the same version is replaced, not doubled. */
export function prependSection(existing: string | undefined, version: string, section: string): string {
  const body = (existing ?? HEADER).startsWith('# Changelog') ? (existing ?? HEADER) : HEADER + '\n' + existing;
  const [head, ...sections] = body.split(/^(?=## )/m);
  const kept = sections.filter((old) => !old.startsWith(`## ${version} `));
  return [head!.trimEnd() + '\n\n', section, ...kept.map((old) => '\n' + old.trimEnd() + '\n')].join('');
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The newest `v*` tag reachable from ref's parent: the version before the one being released at ref. */
export function previousTag(cwd: string, ref: string): string | undefined {
  try {
    return git(cwd, ['describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*', `${ref}^`]) || undefined;
  } catch {
    return undefined; // no earlier tag (or ref is the first commit): the whole history
  }
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

/** Writes CHANGELOG.md (and the notes file) for `version` at `ref`; returns the section. */
export function generateChangelog(options: {
  cwd: string;
  version: string;
  ref: string;
  changelog: string;
  notes?: string;
  date?: string;
}): string {
  const since = previousTag(options.cwd, options.ref);
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const section = renderSection(options.version, date, commitsSince(options.cwd, options.ref, since), since);
  const existing = existsSync(options.changelog) ? readFileSync(options.changelog, 'utf8') : undefined;
  writeFileSync(options.changelog, prependSection(existing, options.version, section));
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
