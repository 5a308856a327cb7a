import { type APIRequestContext, type Browser, type Page, expect, test } from '@playwright/test';
import { API_URL, BASE_URL } from '../base-url';
import { SHARED_API_URL, SHARED_BASE_URL, sharedStackAvailable } from '../shared-stack';
import { loginViaForm, postForm, postMessage, signedInUser, uniqueName, userPath } from './helpers';
import { apiPost, apiRegister, expectLive, itemWithText, timelineItems } from './live-helpers';

/** Issue 22 item 10: an author deletes their own message; it leaves every open timeline live. */

const SIMULATOR_AUTH = { Authorization: 'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' };

/** Opens the message's Delete disclosure and confirms, as a person does. */
async function deleteMessage(page: Page, text: string) {
  const item = itemWithText(page, text);
  await item.locator('summary').click();
  await item.getByRole('button', { name: 'Delete message' }).click();
}

/** Marks the page, so a test can tell it was not reloaded since. */
const markNotReloaded = (page: Page) => page.evaluate(() => Reflect.set(window, '__notReloaded', true));
const stillNotReloaded = (page: Page) => page.evaluate(() => Reflect.get(window, '__notReloaded') === true);

async function simulatorTexts(request: APIRequestContext, api: string, username: string): Promise<string[]> {
  const response = await request.get(`${api}/msgs/${encodeURIComponent(username)}?no=100`, { headers: SIMULATOR_AUTH });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { content: string }[]).map((message) => message.content);
}

async function authorDeletesWhileAnotherBrowserWatches(
  browser: Browser,
  request: APIRequestContext,
  stack: { base: string; api: string },
) {
  const author = uniqueName('deleter');
  await apiRegister(request, author, stack.api);
  const keep = `kept ${uniqueName('')}`;
  const doomed = `regretted ${uniqueName('')}`;
  await apiPost(request, author, keep, stack.api);
  await apiPost(request, author, doomed, stack.api);

  // Another browser (its own profile) watches the public timeline and the author's page.
  const watcher = await browser.newContext({ baseURL: stack.base });
  const publicTab = await watcher.newPage();
  const authorPageTab = await watcher.newPage();
  await publicTab.goto('/public');
  await authorPageTab.goto(userPath(author));
  await expectLive(publicTab);
  await expectLive(authorPageTab);
  await expect(itemWithText(publicTab, doomed)).toHaveCount(1);
  // Signed out, nobody's message offers a Delete control.
  await expect(authorPageTab.locator('.delete-message')).toHaveCount(0);
  await markNotReloaded(publicTab);
  await markNotReloaded(authorPageTab);

  const authorContext = await browser.newContext({ baseURL: stack.base });
  const page = await authorContext.newPage();
  await loginViaForm(page, author, 'api-password');
  await expect(page).toHaveTitle('My Timeline | MiniTwit');
  await page.goto(userPath(author));
  await expectLive(page);
  await deleteMessage(page, doomed);
  await expect(page.locator('ul.flashes > li')).toContainText('Your message was deleted');
  await expect(page).toHaveURL(new RegExp(`${userPath(author).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  await expect(timelineItems(page).locator('.text')).toHaveText([keep]);

  // Gone from the other browser's open pages, without a reload.
  await expect(itemWithText(publicTab, doomed)).toHaveCount(0);
  await expect(timelineItems(authorPageTab).locator('.text')).toHaveText([keep]);
  await expect(itemWithText(publicTab, keep)).toHaveCount(1);
  expect(await stillNotReloaded(publicTab)).toBe(true);
  expect(await stillNotReloaded(authorPageTab)).toBe(true);

  // And from the simulator API's reads (same shape, the message is just not there) and a fresh page.
  expect(await simulatorTexts(request, stack.api, author)).toEqual([keep]);
  await authorPageTab.reload();
  await expect(timelineItems(authorPageTab).locator('.text')).toHaveText([keep]);
  await watcher.close();
  await authorContext.close();
}

test('the author deletes a message and it vanishes live from another browser', async ({ browser, request }) => {
  await authorDeletesWhileAnotherBrowserWatches(browser, request, { base: BASE_URL, api: API_URL });
});

test('on PostgreSQL + Redis, the deletion reaches the other browser through Redis', async ({ browser, request }) => {
  if (!sharedStackAvailable) {
    console.warn('SKIPPED: deletion through Redis — set DATABASE_URL and REDIS_URL (CI sets both)');
    test.skip(true, 'needs DATABASE_URL and REDIS_URL');
  }
  await authorDeletesWhileAnotherBrowserWatches(browser, request, { base: SHARED_BASE_URL, api: SHARED_API_URL });
});

test('only the author can delete: others get 403, unknown messages 404, and nothing changes', async ({
  page,
  browser,
  playwright,
}) => {
  const author = await signedInUser(page, 'owner');
  const text = `mine ${uniqueName('')}`;
  await postMessage(page.request, text);
  await page.goto(userPath(author));
  const id = await itemWithText(page, text).locator('input[name="id"]').inputValue();
  expect(Number(id)).toBeGreaterThan(0);

  const otherPage = await browser.newPage();
  const other = await signedInUser(otherPage, 'intruder');
  // No control on someone else's message.
  await otherPage.goto(userPath(author));
  await expect(itemWithText(otherPage, text)).toHaveCount(1);
  await expect(otherPage.locator('.delete-message')).toHaveCount(0);
  // A forged post, through the author's page or the intruder's own.
  for (const path of [userPath(author), userPath(other)]) {
    const refused = await postForm(otherPage.request, `${path}?/delete`, { id, back: '/' });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain('You can only delete your own messages');
  }
  for (const unknown of ['2147483647', '0', '-1', 'x', '99999999999']) {
    expect((await postForm(page.request, `${userPath(author)}?/delete`, { id: unknown })).status()).toBe(404);
  }
  // Signed out: sent to sign in. Cross-site (no Origin of ours): refused before the action runs.
  const anonymous = await playwright.request.newContext({ baseURL: BASE_URL });
  const signedOut = await postForm(anonymous, `${userPath(author)}?/delete`, { id });
  expect(signedOut.status()).toBe(303);
  expect(signedOut.headers().location).toBe('/login');
  await anonymous.dispose();
  const crossSite = await page.request.post(`${userPath(author)}?/delete`, {
    form: { id },
    headers: { Origin: 'https://evil.example', Accept: 'text/html' },
    maxRedirects: 0,
  });
  expect(crossSite.status()).toBe(403);

  await page.reload();
  await expect(itemWithText(page, text)).toHaveCount(1);
  await otherPage.close();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the Delete control asks, then deletes with a plain form post', async ({ page }) => {
    await signedInUser(page, 'nojsdeleter');
    const keep = `stays ${uniqueName('')}`;
    const doomed = `goes ${uniqueName('')}`;
    await postMessage(page.request, keep);
    await postMessage(page.request, doomed);
    await page.goto('/');
    const item = itemWithText(page, doomed);
    // The question is hidden until the disclosure opens.
    await expect(item.getByRole('button', { name: 'Delete message' })).toBeHidden();
    await deleteMessage(page, doomed);
    await expect(page.locator('ul.flashes > li')).toContainText('Your message was deleted');
    await expect(page).toHaveURL(`${BASE_URL}/`);
    await expect(itemWithText(page, doomed)).toHaveCount(0);
    await expect(itemWithText(page, keep)).toHaveCount(1);
  });
});
