import { OPERATOR_PATH_SPELLINGS } from '@minitwit/monitoring/testing';
import { describe, expect, it } from 'vitest';
import { isOperatorPath } from './operator-paths';

describe('isOperatorPath', () => {
  it('recognises every spelling the app can be handed (after SvelteKit strips /__data.json)', () => {
    const asSvelteKitSeesThem = OPERATOR_PATH_SPELLINGS.map((path) => path.split('?')[0]!)
      .map((path) => path.replace(/\/__data\.json$/, ''))
      // URL parsing resolves dot segments before SvelteKit sees the path.
      .map((path) => new URL(`http://x${path}`).pathname);
    for (const path of asSvelteKitSeesThem) expect(isOperatorPath(path), path).toBe(true);
  });

  it('leaves user pages and other routes alone', () => {
    for (const path of ['/', '/public', '/metricsfan', '/healthz%20x', '/metrics%2Fx', '/a/metrics', '/%E2%82']) {
      expect(isOperatorPath(path), path).toBe(false);
    }
  });
});
