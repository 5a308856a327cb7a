import { sveltekit } from '@sveltejs/kit/vite';
import { type Plugin, defineConfig } from 'vite';

const WORKSPACE_PACKAGES = ['@minitwit/db', '@minitwit/monitoring', '@minitwit/realtime', '@minitwit/redis'];

/**
 * The workspace packages are shared with the launcher's process, so the server
 * build must import them at run time, not bundle a second copy. Vite's
 * `ssr.external` cannot do it: Vite never externalizes a package whose entry is
 * a `.ts` file. Hence this resolver. The built server runs with
 * `node --conditions=compiled` (the packages' compiled `dist/`, see
 * infra/compile/compile-services.ts), or under `node --import tsx` on their sources.
 */
function workspacePackagesExternal(): Plugin {
  return {
    name: 'minitwit:workspace-packages-external',
    enforce: 'pre',
    apply: 'build',
    resolveId(id, _importer, options) {
      const isWorkspace = WORKSPACE_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
      return options.ssr && isWorkspace ? { id, external: true } : null;
    },
  };
}

export default defineConfig({
  plugins: [workspacePackagesExternal(), sveltekit()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
