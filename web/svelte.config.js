import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Gravatar serves the avatars; nothing else is loaded from another origin. */
const AVATAR_ORIGINS = ['https://www.gravatar.com', 'https://secure.gravatar.com'];

/**
 * sha256 of the style attribute of SvelteKit 2's `#svelte-announcer`
 * (@sveltejs/kit/src/core/sync/write_root.js). If an upgrade changes it, the
 * e2e CSP test reports the violation with the new hash.
 */
const ANNOUNCER_STYLE_HASH = 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo=';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    // SvelteKit's cross-site form check is off ('*' turns it off) because hooks.server.ts does the
    // same check (origin-check.ts), same rule and answer, plus a log line naming the expected and the
    // received origin: a wrong ORIGIN (PUBLIC_ORIGIN) is then easy to see.
    csrf: { trustedOrigins: ['*'] },
    csp: {
      // Nonces on rendered pages, so SvelteKit's own bootstrap script runs and nothing injected does.
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        // No inline styles anywhere: the app's CSS is in files.
        'style-src': ['self'],
        // The one style attribute allowed is that of SvelteKit's route announcer (the
        // visually-hidden live region it adds after client-side navigation), by hash.
        'style-src-attr': ['unsafe-hashes', ANNOUNCER_STYLE_HASH],
        'img-src': ['self', 'data:', ...AVATAR_ORIGINS],
        'connect-src': ['self'],
        'font-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;
