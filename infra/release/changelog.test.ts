import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateChangelog, prependSection, renderSection } from './changelog';

describe('renderSection and prependSection', () => {
  it('lists each commit with its short hash, and says so when there is none', () => {
    expect(renderSection('1.1.0', '2026-12-06', [{ hash: 'abcdef0123', subject: 'Fix the thing' }], 'v1.0.0')).toBe(
      '## 1.1.0 (2026-12-06)\n\nChanges since v1.0.0:\n\n- Fix the thing (abcdef0)\n',
    );
    expect(renderSection('1.1.0', '2026-12-06', [])).toContain('- No changes.');
  });

  it('puts the newest version first and replaces a section of the same version', () => {
    const one = prependSection(
      undefined,
      '1.0.0',
      renderSection('1.0.0', 'd1', [{ hash: 'a'.repeat(7), subject: 'one' }]),
    );
    const two = prependSection(one, '1.1.0', renderSection('1.1.0', 'd2', [{ hash: 'b'.repeat(7), subject: 'two' }]));
    expect(two.indexOf('## 1.1.0')).toBeLessThan(two.indexOf('## 1.0.0'));
    const again = prependSection(
      two,
      '1.1.0',
      renderSection('1.1.0', 'd3', [{ hash: 'c'.repeat(7), subject: 'three' }]),
    );
    expect(again.match(/^## 1\.1\.0 /gm)).toHaveLength(1);
    expect(again).toContain('three');
    expect(again).not.toContain('- two');
    expect(again).toMatch(/^# Changelog/);
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

  it('takes exactly the commits since the previous tag, when the release tag points at HEAD', async () => {
    const changelog = join(repo, 'CHANGELOG.md');
    const notes = join(repo, 'notes.md');
    generateChangelog({ cwd: repo, version: '1.0.0', ref: 'v1.0.0', changelog, date: 'd' });
    const section = generateChangelog({ cwd: repo, version: '1.1.0', ref: 'v1.1.0', changelog, notes, date: 'd' });
    expect(section).toContain('Changes since v1.0.0:');
    expect(section.match(/^- /gm)).toHaveLength(2);
    expect(section.indexOf('- third')).toBeLessThan(section.indexOf('- second'));
    expect(await readFile(notes, 'utf8')).toBe(section);
    const written = await readFile(changelog, 'utf8');
    expect(written).toMatch(
      /## 1\.1\.0[\s\S]*- third[\s\S]*## 1\.0\.0[\s\S]*Changes since the first commit:\n\n- first/,
    );
  });
});
