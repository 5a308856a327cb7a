import {
  type DatabaseBackend,
  availableBackends,
  everyScope,
  registerKindWorld,
  writeKindWorld,
} from '@minitwit/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Watcher, isLive, newestIdIn, waitFor, watcherPool } from '../testing/harness';
import { useRedisCluster } from '../testing/redis-cluster';
import { skipWithoutRedis } from '@minitwit/testing';

const skip = skipWithoutRedis('timeline kinds delivered across realtime servers');

/**
 * Issue 20: for every registered timeline kind and every scope the world's
 * users can open, a live page on one of three realtime servers (one Redis)
 * ends up showing exactly what its page query shows after a reload: every
 * new message its rooms deliver, minus the flagged and deleted ones, which
 * the publisher's removal takes off. Writes go through the Redis publisher
 * after their commit, as api and web do.
 */
describe.skipIf(skip).each(availableBackends())(
  'every timeline kind, live on three servers (%s)',
  (backend: DatabaseBackend) => {
    const cluster = useRedisCluster(backend, 'kinds');
    const { open, stopAll } = watcherPool();
    afterEach(stopAll);

    it('delivers to each page exactly the messages its page query shows', async () => {
      const db = cluster.database.db;
      const users = await registerKindWorld(db, 'live');
      const newestId = await newestIdIn(db);
      const pages: { scope: unknown; watcher: Watcher; scopeKey: string }[] = [];
      for (const [index, scopeCase] of everyScope(users.map((user) => user.id)).entries()) {
        const server = cluster.servers[index % cluster.servers.length]!;
        const sessionToken =
          scopeCase.viewerId === null ? undefined : await db.sessions.create(scopeCase.viewerId, 60_000);
        const watcher = open(server.url, scopeCase.request, { newestId, ...(sessionToken ? { sessionToken } : {}) });
        pages.push({ scope: scopeCase.scope, watcher, scopeKey: JSON.stringify(scopeCase.scope) });
      }
      await waitFor(() => pages.every((page) => isLive(page.watcher)()), 'every page live');

      const world = await writeKindWorld(db, users, cluster.publishing.publisher);

      const expected = new Map<string, number[]>();
      for (const scopeCase of everyScope(users.map((user) => user.id))) {
        const page = await db.timelines.page(scopeCase.scope, { limit: 100 });
        expected.set(
          JSON.stringify(scopeCase.scope),
          page.messages.map((m) => m.id).filter((id) => id > newestId),
        );
      }
      const shown = (watcher: Watcher) => {
        const removed = new Set(watcher.removed);
        return watcher
          .ids()
          .filter((id) => !removed.has(id))
          .sort((a, b) => b - a);
      };
      const agree = () =>
        pages.every((page) => JSON.stringify(shown(page.watcher)) === JSON.stringify(expected.get(page.scopeKey)));
      await waitFor(agree, 'every page to show what its query shows', 15_000).catch(() => undefined);
      // Late extra deliveries would show here too.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const page of pages) {
        expect({ scope: page.scope, shown: shown(page.watcher) }).toEqual({
          scope: page.scope,
          shown: expected.get(page.scopeKey),
        });
      }
      // The world's removals reached every page that had received the message.
      const hidden = new Set(world.hidden.map((message) => message.id));
      for (const page of pages) {
        for (const id of page.watcher.ids()) if (hidden.has(id)) expect(page.watcher.removed).toContain(id);
      }
      // Every kind had pages with something to show, so the comparison above is not vacuous.
      const kindsShowing = new Set(
        pages
          .filter((page) => (expected.get(page.scopeKey) ?? []).length > 0)
          .map((page) => (page.scope as { kind: string }).kind),
      );
      expect([...kindsShowing].sort()).toEqual(['home', 'mentions', 'public', 'user']);
    });
  },
);
