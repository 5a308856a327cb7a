import { expect, test } from '@playwright/test';
import { PASSWORD, uniqueName, userPath } from './helpers';

test.use({ javaScriptEnabled: false });

test('the main flows work with JavaScript disabled', async ({ page, browser }) => {
  const other = await browser.newPage({ javaScriptEnabled: false });
  const whom = uniqueName('nojswhom');
  const me = uniqueName('nojs');
  for (const [target, name] of [
    [other, whom],
    [page, me],
  ] as const) {
    await target.goto('/register');
    await target.getByLabel('Username').fill(name);
    await target.getByLabel('E-Mail').fill(`${name}@example.com`);
    await target.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await target.getByLabel('Password (repeat)').fill(PASSWORD);
    await target.getByRole('button', { name: 'Sign up' }).click();
    // Signed up is signed in (issue 22, item 9).
    await expect(target.locator('ul.flashes > li')).toHaveText('You were signed up and signed in');
    await expect(target).toHaveTitle('My Timeline | MiniTwit');
  }
  await other.getByRole('textbox').fill('posted without JavaScript');
  await other.getByRole('button', { name: 'Share' }).click();
  await expect(other.locator('ul.flashes > li')).toHaveText('Your message was recorded');
  await expect(other.locator('ul.messages > li .text').first()).toHaveText('posted without JavaScript');
  await other.close();

  await page.goto(userPath(whom));
  await page.getByRole('button', { name: 'Follow user' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText(`You are now following "${whom}"`);
  await page.getByRole('link', { name: 'My Timeline' }).click();
  await expect(page.locator('ul.messages > li .text').first()).toHaveText('posted without JavaScript');
  await page.goto(userPath(whom));
  await page.getByRole('button', { name: 'Unfollow user' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText(`You are no longer following "${whom}"`);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText('You were signed out');
  await expect(page).toHaveURL(/\/public$/);

  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill(me);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText('You were signed in');
});

test('register errors render without JavaScript, never echoing a password', async ({ page }) => {
  await page.goto('/register');
  await page.getByLabel('Username').fill('someone');
  await page.getByLabel('Password', { exact: true }).fill('secret-1');
  await page.getByLabel('Password (repeat)').fill('secret-2');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.locator('div.error')).toContainText('You have to enter a valid email address');
  await expect(page.getByLabel('Username')).toHaveValue('someone');
  expect(await page.content()).not.toContain('secret-1');
});
