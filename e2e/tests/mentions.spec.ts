import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type APIRequestContext, type Browser, type Page, expect, test } from '@playwright/test';
import { API_URL, BASE_URL, PORT_OFFSET } from '../base-url';
import { SHARED_API_URL, SHARED_BASE_URL, sharedStackAvailable } from '../shared-stack';
import { gotoHydrated, loginViaForm, uniqueName, userPath } from './helpers';
import { apiPost, apiRegister, expectLive, itemWithText, timelineItems } from './live-helpers';

/**
 * Issue 20 item 7: `@name` links to that profile, and a signed-in reader's
 * Mentions page lists the messages that mention them, live — written in
 * another browser or through the simulator API, on the same realtime server
 * or another one — and drops a deleted one without a reload.
 */

/** Posts from My Timeline's box, as a person does. */
async function share(page: Page, text: string) {
  await gotoHydrated(page, '/');
  await page.locator('[name="text"]').fill(text);
  await page.getByRole('button', { name: 'Share' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText('Your message was recorded');
}

const markNotReloaded = (page: Page) => page.evaluate(() => Reflect.set(window, '__notReloaded', true));
const stillNotReloaded = (page: Page) => page.evaluate(() => Reflect.get(window, '__notReloaded') === true);

async function mentionsLive(
  browser: Browser,
  request: APIRequestContext,
  stacks: { reader: string; writer: string; api: string },
) {
  // The mentioned reader, signed in in one browser, opens Mentions from the navigation.
  const readerContext = await browser.newContext({ baseURL: stacks.reader });
  const reader = await readerContext.newPage();
  const name = uniqueName('mentioned');
  await apiRegister(request, name, stacks.api);
  await loginViaForm(reader, name, 'api-password');
  await expect(reader).toHaveTitle('My Timeline | MiniTwit');
  await reader.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mentions' }).click();
  await expect(reader).toHaveTitle('Mentions | MiniTwit');
  await expectLive(reader);
  await expect(timelineItems(reader)).toHaveText(["There's no message so far."]);
  await markNotReloaded(reader);

  // Someone else, in another browser, mentions them (and someone who does not exist).
  const writerContext = await browser.newContext({ baseURL: stacks.writer });
  const writer = await writerContext.newPage();
  const author = uniqueName('mentioner');
  await apiRegister(request, author, stacks.api);
  await loginViaForm(writer, author, 'api-password');
  await expect(writer).toHaveTitle('My Timeline | MiniTwit');
  const unknown = uniqueName('nobody');
  const first = `hello @${name} and @${unknown}`;
  await share(writer, first);
  await share(writer, `no mention of anyone ${uniqueName('')}`);
  // The simulator API's posts mention too.
  const bot = uniqueName('bot');
  await apiRegister(request, bot, stacks.api);
  const second = `@${name}, from the simulator`;
  await apiPost(request, bot, second, stacks.api);

  await expect(timelineItems(reader).locator('.text')).toHaveText([second, first]);
  expect(await stillNotReloaded(reader)).toBe(true);
  const mention = itemWithText(reader, first)
    .locator('.text')
    .getByRole('link', { name: `@${name}` });
  await expect(mention).toHaveAttribute('href', userPath(name));
  // An unknown name stays text.
  await expect(itemWithText(reader, first).locator('.text a')).toHaveCount(1);

  // The author deletes the first: it leaves the open Mentions page.
  await writer.goto(userPath(author));
  const item = itemWithText(writer, first);
  await item.locator('summary').click();
  await item.getByRole('button', { name: 'Delete message' }).click();
  await expect(writer.locator('ul.flashes > li')).toContainText('Your message was deleted');
  await expect(timelineItems(reader).locator('.text')).toHaveText([second]);
  expect(await stillNotReloaded(reader)).toBe(true);

  // A reload shows the same, and the link leads to the profile.
  await reader.reload();
  await expect(timelineItems(reader).locator('.text')).toHaveText([second]);
  await itemWithText(reader, second)
    .getByRole('link', { name: `@${name}` })
    .click();
  await expect(reader).toHaveTitle(`${name}'s Timeline | MiniTwit`);
  await readerContext.close();
  await writerContext.close();
}

test('Mentions updates live from another browser and the simulator API, and drops a deleted message', async ({
  browser,
  request,
}) => {
  await mentionsLive(browser, request, { reader: BASE_URL, writer: BASE_URL, api: API_URL });
});

test('signed out, Mentions sends the reader to sign in', async ({ page }) => {
  await page.goto('/mentions');
  await expect(page).toHaveURL(/\/login$/);
});

/** A second launcher on the shared PostgreSQL + Redis: its own web, API and realtime server. */
const SECOND_PORT = 3104 + PORT_OFFSET;
const SECOND_BASE_URL = `http://127.0.0.1:${SECOND_PORT}`;

async function startSecondLauncher(): Promise<ChildProcess> {
  const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..');
  const launcher = spawn('npx', ['tsx', 'serve-app.ts', String(SECOND_PORT), String(5104 + PORT_OFFSET), '--shared'], {
    cwd: e2eDir,
    stdio: 'inherit',
    // Its own process group, so stopping it stops the launcher it starts.
    detached: true,
  });
  for (let attempt = 0; attempt < 240; attempt++) {
    const up = await fetch(`${SECOND_BASE_URL}/public`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return launcher;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the second launcher did not start');
}

test('across realtime servers: a mention written on one server reaches Mentions open on another', async ({
  browser,
  request,
}) => {
  if (!sharedStackAvailable) {
    console.warn('SKIPPED: Mentions across realtime servers — set DATABASE_URL and REDIS_URL (CI sets both)');
    test.skip(true, 'needs DATABASE_URL and REDIS_URL');
  }
  test.setTimeout(180_000);
  const second = await startSecondLauncher();
  try {
    await mentionsLive(browser, request, { reader: SECOND_BASE_URL, writer: SHARED_BASE_URL, api: SHARED_API_URL });
  } finally {
    if (second.pid) process.kill(-second.pid, 'SIGTERM');
  }
});
