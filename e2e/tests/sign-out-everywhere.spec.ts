import { expect, test } from '@playwright/test';
import { PASSWORD, gotoHydrated, postForm, signedInUser } from './helpers';
import { expectLive } from './live-helpers';

/**
 * Issue 19 finding 7: two browsers signed in as one user; "Sign out
 * everywhere" in one ends the other's session too — its live My Timeline
 * stops at once, and its next page is signed out.
 */
test('sign out everywhere ends the session in the other browser and stops its live timeline', async ({
  page,
  browser,
}) => {
  const username = await signedInUser(page, 'roamer');
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  try {
    expect((await postForm(otherPage.request, '/login', { username, password: PASSWORD })).status()).toBe(303);
    await gotoHydrated(otherPage, '/');
    await expect(otherPage).toHaveTitle('My Timeline | MiniTwit');
    await expectLive(otherPage);

    await gotoHydrated(page, '/');
    await page.getByRole('link', { name: 'Sign out everywhere', exact: true }).click();
    await expect(page).toHaveURL(/\/logout\/everywhere$/);
    await page.getByRole('button', { name: 'Sign out everywhere', exact: true }).click();
    await expect(page.locator('ul.flashes > li')).toHaveText('You were signed out everywhere');
    await expect(page).toHaveURL(/\/public$/);

    // The other browser's open page hears it without a reload…
    await expect(otherPage.locator('.live-status')).toHaveText('Live updates need you to sign in again.');
    // …and its next request is signed out.
    await otherPage.goto('/');
    await expect(otherPage).toHaveURL(/\/public$/);
    await expect(otherPage.getByRole('link', { name: 'Sign in' })).toBeVisible();
  } finally {
    await other.close();
  }
});
