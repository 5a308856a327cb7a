import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/**
 * What a leaked secret looks like. The simulator's published course pair
 * (`simulator:super_safe!`, SPEC §3) is not a secret: it is the contract's
 * local default, and deployments set SIMULATOR_CREDENTIALS.
 */
const SECRET_SHAPES: Array<[string, RegExp]> = [
  ['private key', /-----BEGIN (?:RSA |EC |OPENSSH |DSA |PGP )?PRIVATE KEY-----/],
  ['AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['GitHub token', /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{40,}/],
  ['Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['Stripe key', /\b[sr]k_live_[0-9a-zA-Z]{16,}/],
  // A URL with a password in it, other than obvious placeholders and the local defaults.
  [
    'password in a URL',
    /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@'"`]+:(?!\$|\{|<|password@|pass@|secret@|changeme@)[^/\s:@'"`]{3,}@/i,
  ],
];

const SCANNED =
  /\.(ts|js|svelte|json|ya?ml|md|conf|env|example|sh|toml|ini|html|css)$|(^|\/)(Dockerfile|\.ci\/run|\.env[^/]*)$/;

function trackedFiles(): string[] {
  return (
    execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      // This file holds sample shapes on purpose.
      .filter(
        (path) =>
          path && SCANNED.test(path) && path !== 'package-lock.json' && path !== 'infra/src/secret-scan.test.ts',
      )
  );
}

describe('the repository', () => {
  it('holds no secret literal', () => {
    const found: string[] = [];
    const files = trackedFiles();
    for (const path of files) {
      let text: string;
      try {
        text = readFileSync(join(root, path), 'utf8');
      } catch {
        continue; // listed but deleted in the work tree
      }
      for (const [what, shape] of SECRET_SHAPES) {
        const match = shape.exec(text);
        if (match) found.push(`${path}: ${what}: ${match[0].slice(0, 40)}`);
      }
    }
    expect(files.length).toBeGreaterThan(50);
    expect(found).toEqual([]);
  });

  it('recognises the shapes it looks for (so a pass means something)', () => {
    const samples = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'AKIAABCDEFGHIJKLMNOP',
      `ghp_${'a'.repeat(36)}`,
      'postgres://app:hunter22@db.example.com/app',
    ];
    for (const sample of samples)
      expect(
        SECRET_SHAPES.some(([, shape]) => shape.test(sample)),
        sample,
      ).toBe(true);
    expect(SECRET_SHAPES.some(([, shape]) => shape.test('postgres://postgres@127.0.0.1:5432/postgres'))).toBe(false);
  });
});
