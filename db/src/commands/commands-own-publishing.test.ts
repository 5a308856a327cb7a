import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * "Nothing outside a command calls the publisher" (issue 20, item 2): when
 * to publish is decided in db/src/commands, so that a write and what it means
 * to live timelines cannot drift apart between the api, the web and the tools.
 * This scans the product source of every package for calls of the port's
 * methods. Allowed: the commands, and realtime's implementations of the port
 * (realtime/src/publish), which forward to the sockets. Tests, test harnesses
 * and benchmarks stand in for writers and are not product code.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = ['api', 'db', 'infra', 'monitoring', 'realtime', 'web'];
const SKIPPED_DIRS = new Set([
  'node_modules',
  'dist',
  'build',
  '.svelte-kit',
  'testing',
  'testing-support',
  'bench',
  '.data',
]);
const SOURCE = /\.(ts|js|svelte)$/;
const NOT_PRODUCT = /\.test\.ts$/;
const PUBLISHER_CALL =
  /\.\s*(messagePosted|followChanged|messagesFlagged|sessionEnded|writeOutcomeUnknown)\s*(\?\.)?\s*\(/;
const ALLOWED = ['db/src/commands/', 'realtime/src/publish/'];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* sourceFiles(join(dir, entry.name));
    } else if (SOURCE.test(entry.name) && !NOT_PRODUCT.test(entry.name)) {
      yield join(dir, entry.name);
    }
  }
}

/** `path:line` of every publisher call in the product source. */
function publisherCalls(): string[] {
  const calls: string[] = [];
  for (const pkg of PACKAGES) {
    for (const file of sourceFiles(join(root, pkg))) {
      const path = relative(root, file).split('\\').join('/');
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (PUBLISHER_CALL.test(line)) calls.push(`${path}:${index + 1}`);
        });
    }
  }
  return calls;
}

describe('publishing', () => {
  const calls = publisherCalls();

  it('is done by the commands only', () => {
    expect(calls.filter((call) => !ALLOWED.some((prefix) => call.startsWith(prefix)))).toEqual([]);
  });

  it('is found where it happens, so a renamed port method cannot make the check pass vacuously', () => {
    const commandCalls = calls.filter((call) => call.startsWith('db/src/commands/commands.ts:'));
    // postMessage, postMessageAs, follow/unfollow, flag, deleteOwnMessage, endSession, endAllSessions, writeOutcomeUnknown.
    expect(commandCalls).toHaveLength(8);
  });
});
