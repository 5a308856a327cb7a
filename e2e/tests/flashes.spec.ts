import { type Page, expect, test } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { gotoHydrated, signedInUser, uniqueName } from './helpers';

/** Issue 22, item 6: a flash shows once, on the page it belongs to, and can be dismissed or fades away. */

const flashes = (page: Page) => page.locator('ul.flashes > li');

async function share(page: Page, username: string, text: string) {
  await page.getByLabel(`What's on your mind ${username}?`).fill(text);
  await page.getByRole('button', { name: 'Share' }).click();
}

test('item 6: "Your message was recorded" shows on My Timeline only, not on the pages visited next', async ({
  page,
}) => {
  const username = await signedInUser(page, 'flashed');
  await gotoHydrated(page, '/');
  await share(page, username, `flash ${uniqueName('')}`);
  await expect(flashes(page)).toHaveText('Your message was recorded');
  await expectNoAxeViolations(page, 'My Timeline with a flash and its dismiss button');

  await page.getByRole('link', { name: 'Public Timeline' }).click();
  await expect(page.getByRole('heading', { name: 'Public Timeline' })).toBeVisible();
  await expect(flashes(page)).toHaveCount(0);
  await page.getByRole('link', { name: 'My Timeline' }).click();
  await expect(page.getByRole('heading', { name: 'My Timeline' })).toBeVisible();
  await expect(flashes(page)).toHaveCount(0);
});

test('item 6: a flash can be dismissed, and goes by itself after a few seconds', async ({ page }) => {
  const username = await signedInUser(page, 'dismisser');
  await gotoHydrated(page, '/');
  await share(page, username, `dismissed ${uniqueName('')}`);
  await expect(flashes(page)).toHaveText('Your message was recorded');
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(flashes(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Dismiss' })).toHaveCount(0);

  await share(page, username, `faded ${uniqueName('')}`);
  await expect(flashes(page)).toHaveText('Your message was recorded');
  await page.mouse.move(0, 0);
  await expect(flashes(page)).toHaveCount(0, { timeout: 15_000 });
});

test('item 6: an earlier flash does not stay beside the next form error', async ({ page }) => {
  const username = await signedInUser(page, 'errored');
  await gotoHydrated(page, '/');
  await share(page, username, `first ${uniqueName('')}`);
  await expect(flashes(page)).toHaveText('Your message was recorded');
  await share(page, username, '   ');
  await expect(page.locator('div.error')).toBeVisible();
  await expect(flashes(page)).toHaveCount(0);
  await expectNoAxeViolations(page, 'My Timeline with a form error');
});
