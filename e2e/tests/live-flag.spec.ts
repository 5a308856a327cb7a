import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Page, expect, test } from '@playwright/test';
import {
  SHARED_API_URL,
  SHARED_BASE_URL,
  sharedDatabaseUrl,
  sharedRedisChannel,
  sharedRedisUrl,
  sharedStackAvailable,
} from '../shared-stack';
import { uniqueName, userPath } from './helpers';
import { apiPost, apiRegister, expectLive, itemWithText, timelineItems } from './live-helpers';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The operator's flag tool, as documented (realtime/README.md). It opens the
 * database and publishes through Redis itself, so it can only reach a system
 * on PostgreSQL + Redis: the embedded database belongs to one process.
 */
async function flag(messageId: number) {
  const { stdout } = await promisify(execFile)('npx', ['tsx', 'realtime/src/tools/flag.ts', String(messageId)], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: sharedDatabaseUrl,
      REDIS_URL: sharedRedisUrl,
      REDIS_CHANNEL: sharedRedisChannel,
      LOG_LEVEL: 'warn',
    },
  });
  expect(stdout).toContain(`${messageId}: flagged`);
}

/**
 * Message ids by text, as the page's live connection receives them. The page
 * shows no ids, and the operator's tool needs one.
 */
function liveMessageIds(page: Page): Map<string, number> {
  const ids = new Map<string, number>();
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      const frame = payload.toString();
      // Socket.IO event frames: `42["message:created",{…}]`.
      if (!frame.startsWith('42')) return;
      const [event, message] = JSON.parse(frame.slice(2)) as [string, { id: number; text: string }];
      if (event === 'message:created') ids.set(message.text, message.id);
    }),
  );
  return ids;
}

test('a flagged message disappears from every open page', async ({ browser, request }) => {
  if (!sharedStackAvailable) {
    console.warn('SKIPPED: flagged message disappears live — set DATABASE_URL and REDIS_URL (CI sets both)');
    test.skip(true, 'needs DATABASE_URL and REDIS_URL: the flag tool cannot reach an embedded database');
  }
  const context = await browser.newContext({ baseURL: SHARED_BASE_URL });
  const publicTab = await context.newPage();
  const userTab = await context.newPage();
  const ids = liveMessageIds(userTab);
  const author = uniqueName('flagged');
  await apiRegister(request, author, SHARED_API_URL);

  await publicTab.goto('/public');
  await userTab.goto(userPath(author));
  await expectLive(publicTab);
  await expectLive(userTab);

  const keep = `harmless ${uniqueName('')}`;
  const bad = `offensive ${uniqueName('')}`;
  await apiPost(request, author, keep, SHARED_API_URL);
  await apiPost(request, author, bad, SHARED_API_URL);
  await expect(timelineItems(userTab).locator('.text')).toHaveText([bad, keep]);
  await expect(itemWithText(publicTab, bad)).toHaveCount(1);

  await flag(ids.get(bad) ?? 0);
  await expect(timelineItems(userTab).locator('.text')).toHaveText([keep]);
  await expect(itemWithText(publicTab, bad)).toHaveCount(0);
  await expect(itemWithText(publicTab, keep)).toHaveCount(1);
  // And it stays gone for the next reader.
  await userTab.reload();
  await expect(timelineItems(userTab).locator('.text')).toHaveText([keep]);
  await context.close();
});
