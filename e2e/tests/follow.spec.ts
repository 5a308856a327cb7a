import { expect, test } from '@playwright/test';
import { postForm, postMessage, signedInUser, uniqueName, userPath } from './helpers';

test('follow and unfollow from the user page', async ({ page, browser }) => {
  const other = await browser.newPage();
  const whom = await signedInUser(other, 'whom');
  await postMessage(other.request, `from ${whom}`);
  await other.close();
  const me = await signedInUser(page, 'me');

  await page.goto(userPath(me));
  await expect(page.locator('.followstatus')).toHaveText('This is you!');

  await page.goto(userPath(whom));
  await expect(page.getByRole('heading', { name: `${whom}'s Timeline` })).toBeVisible();
  await expect(page.locator('.followstatus')).toContainText('You are not yet following this user.');
  await page.getByRole('button', { name: 'Follow user' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText(`You are now following "${whom}"`);
  await expect(page).toHaveURL(new RegExp(`${userPath(whom)}$`));
  await expect(page.locator('.followstatus')).toContainText('You are currently following this user.');

  await page.goto('/');
  await expect(page.locator('ul.messages > li .text').first()).toHaveText(`from ${whom}`);

  await page.goto(userPath(whom));
  await page.getByRole('button', { name: 'Unfollow user' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText(`You are no longer following "${whom}"`);
  await expect(page.locator('.followstatus')).toContainText('You are not yet following this user.');
  await page.goto('/');
  await expect(page.locator('ul.messages > li')).toHaveText(["There's no message so far."]);
});

test('signed out: no follow status, and a follow is refused', async ({ page, browser }) => {
  const other = await browser.newPage();
  const whom = await signedInUser(other, 'lonely');
  await other.close();
  await page.goto(userPath(whom));
  await expect(page.locator('.followstatus')).toHaveCount(0);
  const response = await postForm(page.request, `${userPath(whom)}?/follow`, {});
  expect(response.status()).toBe(303);
  expect(response.headers().location).toBe('/login');
});

test('following an unknown user is a 404', async ({ page }) => {
  await signedInUser(page, 'seeker');
  const response = await postForm(page.request, `${userPath(uniqueName('ghost'))}?/follow`, {});
  expect(response.status()).toBe(404);
});
