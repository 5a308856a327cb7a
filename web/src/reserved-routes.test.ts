import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RESERVED_USERNAMES, isReservedUsername } from '@minitwit/db';
import { describe, expect, it } from 'vitest';

const src = new URL('.', import.meta.url).pathname;

/**
 * The first path segments the app answers itself: each folder of src/routes
 * (a `(group)` folder adds no segment, so its children count; a `[param]`
 * folder is the user page itself), each file of static/, and each path the
 * server hook answers before routing.
 */
function topLevelSegments(): string[] {
  const segments: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('[')) continue;
      if (entry.name.startsWith('(')) walk(join(dir, entry.name));
      else segments.push(entry.name);
    }
  };
  walk(join(src, 'routes'));
  segments.push(...readdirSync(join(src, '..', 'static')));
  const hook = readFileSync(join(src, 'hooks.server.ts'), 'utf8');
  for (const [, path] of hook.matchAll(/pathname === '\/([^/']+)/g)) segments.push(path as string);
  return segments;
}

/** Issue 19 finding 8: a user named after a route would have a page the route shadows. */
describe('reserved usernames', () => {
  it('include every top-level route, static file and hook path of the web app', () => {
    const segments = topLevelSegments();
    expect(segments).toEqual(expect.arrayContaining(['login', 'logout', 'register', 'public', 'favicon.svg']));
    expect(segments.filter((segment) => !isReservedUsername(segment))).toEqual([]);
  });

  it('include SvelteKit’s own paths', () => {
    for (const path of ['_app', '__data.json']) expect(RESERVED_USERNAMES).toContain(path);
  });
});
