import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateChangelog, renderSection } from './changelog';

describe('renderSection', () => {
  it('lists each commit with its short hash, and says so when there is none', () => {
    expect(renderSection('1.1.0', '2026-12-06', [{ hash: 'abcdef0123', subject: 'Fix the thing' }], 'v1.0.0')).toBe(
      '## 1.1.0 (2026-12-06)\n\nChanges since v1.0.0:\n\n- Fix the thing (abcdef0)\n',
    );
    expect(renderSection('1.1.0', '2026-12-06', [])).toContain('- No changes.');
  });
});

describe('generateChangelog on a real git history', () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      encoding: 'utf8',
    });
  const commit = async (subject: string) => {
    await writeFile(join(repo, 'file.txt'), subject);
    git('add', 'file.txt');
    git('commit', '-q', '-m', subject);
  };

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'changelog-'));
    git('init', '-q');
    await commit('first');
    git('tag', 'v1.0.0');
    await commit('second');
    await commit('third');
    git('tag', 'v1.1.0');
  });
  afterAll(() => rm(repo, { recursive: true, force: true }));

  it('takes exactly the commits since the previous tag, and writes every earlier version below', async () => {
    const changelog = join(repo, 'CHANGELOG.md');
    const notes = join(repo, 'notes.md');
    // Releasing 1.1.0 from its tag: the tag itself is not "the previous one".
    const section = generateChangelog({ cwd: repo, version: '1.1.0', ref: 'v1.1.0', changelog, notes, date: 'd' });
    expect(section).toContain('Changes since v1.0.0:');
    expect(section.match(/^- /gm)).toHaveLength(2);
    expect(section.indexOf('- third')).toBeLessThan(section.indexOf('- second'));
    expect(await readFile(notes, 'utf8')).toBe(section);
    const written = await readFile(changelog, 'utf8');
    expect(written).toMatch(/^# Changelog/);
    expect(written).toMatch(
      /## 1\.1\.0[\s\S]*- third[\s\S]*## 1\.0\.0 \(\d{4}-\d\d-\d\d\)\n\nChanges since the first commit:\n\n- first/,
    );
    expect(written.match(/^## /gm)).toHaveLength(2);
  });

  it('a version not yet tagged takes the commits since the newest tag', async () => {
    await commit('fourth');
    const section = generateChangelog({
      cwd: repo,
      version: '1.2.0',
      ref: 'HEAD',
      changelog: join(repo, 'C.md'),
      date: 'd',
    });
    expect(section).toBe(
      `## 1.2.0 (d)\n\nChanges since v1.1.0:\n\n- fourth (${git('rev-parse', '--short=7', 'HEAD').trim()})\n`,
    );
  });
});
