import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Runs the check as npm run check:workflows does (through tsx: the parser's
 * JSON imports do not load under vitest), on this repository or on a made-up
 * one whose only workflow is `steps`.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const script = join(root, 'infra/release/check-workflows.ts');

async function check(repo: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [script, repo], { cwd: root });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

let repo: string | undefined;
async function repoWith(steps: string): Promise<string> {
  repo = await mkdtemp(join(tmpdir(), 'workflows-'));
  await mkdir(join(repo, '.github/workflows'), { recursive: true });
  await mkdir(join(repo, 'infra'));
  await writeFile(join(repo, 'infra/exists.sh'), '#!/bin/sh\n');
  await writeFile(join(repo, 'package.json'), JSON.stringify({ scripts: { lint: 'eslint .' } }));
  const workflow = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;
  await writeFile(join(repo, '.github/workflows/w.yml'), workflow);
  return repo;
}
afterEach(async () => {
  if (repo) await rm(repo, { recursive: true, force: true });
  repo = undefined;
});

describe('npm run check:workflows', () => {
  it("passes this repository's ci, release and deploy workflows", async () => {
    const { code, out } = await check(root);
    expect(out).toContain(
      '.github/workflows/ci.yml, .github/workflows/deploy.yml, .github/workflows/release.yml parse',
    );
    expect(code).toBe(0);
  });

  it('accepts steps that each call a script of the repository', async () => {
    const steps = `      - run: npm ci --no-audit
      - run: npm run lint
      - run: bash infra/exists.sh --version "\${{ github.ref_name }}"
      - run: npm test
`;
    expect(await check(await repoWith(steps))).toMatchObject({ code: 0 });
  });

  it('reports a bad expression, an unknown context and an unknown key (GitHub parser)', async () => {
    const steps = `      - run: bash infra/exists.sh \${{ github.sha + }}
      - run: bash infra/exists.sh \${{ secretz.TOKEN }}
        bogus: 1
`;
    const { code, out } = await check(await repoWith(steps));
    expect(code).toBe(1);
    expect(out).toMatch(/Unexpected symbol: '\+'/);
    expect(out).toMatch(/Unrecognized named-value: 'secretz'/);
    expect(out).toMatch(/Unexpected value 'bogus'/);
  });

  it('reports a missing script, an unknown npm script, and logic written in the YAML', async () => {
    const steps = `      - run: bash infra/missing.sh
      - run: npm run nope
      - run: docker build -t x .
      - run: |
          bash infra/exists.sh
          echo done
`;
    const { code, out } = await check(await repoWith(steps));
    expect(code).toBe(1);
    expect(out).toMatch(/infra\/missing\.sh does not exist/);
    expect(out).toMatch(/no script 'nope'/);
    expect(out).toMatch(/'docker build -t x \.' is not a call of a repository script/);
    expect(out).toMatch(/one command calling a script \(found 2 lines\)/);
    expect(out).toMatch(/4 problem\(s\)/);
  });
});
