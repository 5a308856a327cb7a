import { randomUUID } from 'node:crypto';
import { type Page, expect, test } from '@playwright/test';
import { BASE_URL } from '../base-url';
import { gotoHydrated, messageTexts, signedInUser, uniqueName, userPath } from './helpers';
import { apiRegister, expectLive } from './live-helpers';

/** Issue 22, items 1-3: the post box and the follow button, as people use them. */

const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;

const postBox = (page: Page, username: string) => page.getByLabel(`What's on your mind ${username}?`);
const shareButton = (page: Page) => page.getByRole('button', { name: 'Share' });
const occurrences = (texts: string[], text: string) => texts.filter((shown) => shown === text).length;

test('item 1: after a refused Share, the next successful Share empties the box and leaves focus in it', async ({
  page,
}) => {
  const username = await signedInUser(page, 'clearer');
  await gotoHydrated(page, '/');
  const box = postBox(page, username);

  await shareButton(page).click();
  await expect(page.locator('div.error')).toBeVisible();

  const first = `first ${uniqueName('')}`;
  await box.fill(first);
  await shareButton(page).click();
  await expect(page.locator('ul.messages > li .text').first()).toHaveText(first);
  await expect(page.locator('ul.flashes > li')).toHaveText('Your message was recorded');
  await expect(box).toHaveValue('');
  await expect(box).toBeFocused();

  // Typing starts a new message rather than appending to the old one, and it posts once.
  const second = `second ${uniqueName('')}`;
  await page.keyboard.type(second);
  await expect(box).toHaveValue(second);
  await page.keyboard.press('Enter');
  await expect(page.locator('ul.messages > li .text').first()).toHaveText(second);
  await expect(box).toHaveValue('');
  await page.reload();
  const texts = await messageTexts(page);
  expect(occurrences(texts, first)).toBe(1);
  expect(occurrences(texts, second)).toBe(1);
});

test('item 2: a double click on Share posts once', async ({ page }) => {
  const username = await signedInUser(page, 'doubleclicker');
  await gotoHydrated(page, '/');
  const text = `once ${uniqueName('')}`;
  await postBox(page, username).fill(text);
  await shareButton(page).dblclick();
  await expect(page.locator('ul.flashes > li')).toHaveText('Your message was recorded');
  await expect(postBox(page, username)).toHaveValue('');
  // Room for a second request, had one been sent, to land before counting.
  await page.waitForTimeout(1_000);
  await page.reload();
  expect(occurrences(await messageTexts(page), text)).toBe(1);
});

test('item 2: the same rendered form submitted again records nothing new and gets the same answer', async ({
  page,
}) => {
  await signedInUser(page, 'retrier');
  await gotoHydrated(page, '/');
  const token = await page.locator('form[action="?/post"] input[name="token"]').inputValue();
  expect(token).toMatch(/^[0-9a-f-]{36}$/);

  // As a browser resubmits a form after a lost answer: same fields, same token.
  const submit = (text: string, formToken: string) =>
    page.request.post('/?/post', {
      form: { text, token: formToken },
      headers: { Origin: BASE_URL, Accept: 'text/html' },
      maxRedirects: 0,
    });
  const text = `retried ${uniqueName('')}`;
  const first = await submit(text, token);
  const again = await submit(text, token);
  expect(first.status()).toBe(303);
  expect(again.status()).toBe(303);
  expect(again.headers().location).toBe(first.headers().location);

  // Two at once with another form's token: one message.
  const raced = `raced ${uniqueName('')}`;
  const otherToken = randomUUID();
  const both = await Promise.all([submit(raced, otherToken), submit(raced, otherToken)]);
  expect(both.map((response) => response.status())).toEqual([303, 303]);

  await page.reload();
  const texts = await messageTexts(page);
  expect(occurrences(texts, text)).toBe(1);
  expect(occurrences(texts, raced)).toBe(1);
  // The page renders a new form for the next message.
  expect(await page.locator('form[action="?/post"] input[name="token"]').inputValue()).not.toBe(token);
});

for (const [label, viewport] of Object.entries(VIEWPORTS)) {
  test(`item 3 (${label}): posting offline keeps the page and the text, says it was not sent, and works once back online`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const username = await signedInUser(page, 'offline');
    await gotoHydrated(page, '/');
    await expectLive(page);
    const box = postBox(page, username);

    await context.setOffline(true);
    // Said beside the post box, not only by the timeline's small indicator.
    const lost = page.locator('.twitbox .connection-lost');
    await expect(lost).toBeVisible();
    await expect(lost).toContainText('not connected');
    const text = `typed offline ${uniqueName('')}`;
    await box.fill(text);
    await shareButton(page).click();
    await expect(page.getByRole('alert')).toContainText('Your message was not sent');
    await expect(page.getByRole('heading', { name: 'My Timeline' })).toBeVisible();
    await expect(page.getByText('Failed to fetch')).toHaveCount(0);
    await expect(box).toHaveValue(text);
    await expect(shareButton(page)).toBeEnabled();
    const alertBox = await page.getByRole('alert').boundingBox();
    expect(alertBox && alertBox.x + alertBox.width).toBeLessThanOrEqual(viewport.width);

    await context.setOffline(false);
    await expect(lost).toHaveCount(0, { timeout: 20_000 });
    await shareButton(page).click();
    await expect(page.locator('ul.flashes > li')).toHaveText('Your message was recorded');
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(box).toHaveValue('');
    await page.reload();
    expect(occurrences(await messageTexts(page), text)).toBe(1);
    await context.close();
  });
}

test('item 3: following offline keeps the page and says it was not sent; back online it follows', async ({
  page,
  context,
  request,
}) => {
  await signedInUser(page, 'offlinefollower');
  const other = uniqueName('followed');
  await apiRegister(request, other);
  await gotoHydrated(page, userPath(other));

  await context.setOffline(true);
  await page.getByRole('button', { name: 'Follow user' }).click();
  await expect(page.getByRole('alert')).toContainText('The follow was not sent');
  await expect(page.getByRole('heading', { name: `${other}'s Timeline` })).toBeVisible();
  await expect(page.getByText('Failed to fetch')).toHaveCount(0);

  await context.setOffline(false);
  await page.getByRole('button', { name: 'Follow user' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText(`You are now following "${other}"`);
  await expect(page.getByRole('button', { name: 'Unfollow user' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
