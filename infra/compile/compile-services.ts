/**
 * The production build of the Node services: each workspace package's entry
 * points bundled by esbuild into `<package>/dist/*.js` (ES modules, source
 * maps beside them), so nothing compiles TypeScript at run time.
 *
 * A bundle holds only its own package's sources. Every bare import — npm
 * packages and the other `@minitwit/*` packages — stays an import, so one
 * process loads exactly one copy of each workspace package: the web app's
 * server build, the launcher and the API then share one database instance,
 * one in-process hub and one set of error classes. The built files are found
 * through the `compiled` export condition in each package.json
 * (`node --conditions=compiled`); without it Node, tsx, Vite and vitest keep
 * resolving the TypeScript sources. See docs/decisions.md, "Compiled build".
 *
 * Usage: tsx infra/compile/compile-services.ts (root `npm run build` runs it).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plugin, build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Entry points per package, relative to the package folder: source → output name in `dist/`. */
const ENTRIES: Record<string, Record<string, string>> = {
  monitoring: { index: 'src/index.ts' },
  db: { index: 'src/index.ts', migrate: 'src/tools/migrate.ts', 'mention-names': 'src/domain/mention-names.ts' },
  redis: { index: 'src/index.ts' },
  realtime: { index: 'src/index.ts', main: 'src/main.ts', flag: 'src/tools/flag.ts', merge: 'src/client/merge.ts' },
  api: { index: 'src/index.ts', main: 'src/main.ts' },
  infra: { 'start-all': 'src/start-all.ts' },
  // The web app's own server: adapter-node's build (web/build) wrapped with the security headers.
  web: { serve: 'src/serve.ts' },
};

/** Relative imports are bundled; every bare specifier (npm or workspace package) is left to Node. */
const bareImportsExternal: Plugin = {
  name: 'bare-imports-external',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
  },
};

async function compilePackage(name: string, entries: Record<string, string>): Promise<void> {
  const dir = join(root, name);
  const outdir = join(dir, 'dist');
  await rm(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: dir,
    entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Class and function names stay readable in logs and stack traces.
    keepNames: true,
    plugins: [bareImportsExternal],
    logLevel: 'warning',
  });
}

await Promise.all(Object.entries(ENTRIES).map(([name, entries]) => compilePackage(name, entries)));
process.stdout.write(`compiled ${Object.keys(ENTRIES).join(', ')} into <package>/dist\n`);
