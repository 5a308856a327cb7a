import { type APIRequestContext, type Page, expect, test } from '@playwright/test';
import { API_URL } from '../base-url';
import { gotoHydrated, signedInUser, uniqueName, userPath } from './helpers';
import { apiRegister, expectLive } from './live-helpers';

/** Issue 22 item 12: follower and following counts on a profile, live, and the two lists, paged. */

const SIMULATOR_AUTH = { Authorization: 'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' };

const followers = (page: Page) => page.locator('.profile-header [data-count="followers"]');
const following = (page: Page) => page.locator('.profile-header [data-count="following"]');

async function apiFollow(request: APIRequestContext, who: string, whom: string) {
  const response = await request.post(`${API_URL}/fllws/${encodeURIComponent(who)}`, {
    data: { follow: whom },
    headers: SIMULATOR_AUTH,
  });
  expect(response.status()).toBe(204);
}

test('follower and following counts change live on open profile pages', async ({ browser, request }) => {
  const star = uniqueName('star');
  await apiRegister(request, star);

  // Another browser watches the star's profile and the fan's.
  const watcher = await browser.newContext();
  const starTab = await watcher.newPage();
  await gotoHydrated(starTab, userPath(star));
  await expectLive(starTab);
  await expect(followers(starTab)).toHaveText('0 followers');
  await expect(following(starTab)).toHaveText('0 following');

  const fanContext = await browser.newContext();
  const fanPage = await fanContext.newPage();
  const fan = await signedInUser(fanPage, 'fan');
  const fanTab = await watcher.newPage();
  await gotoHydrated(fanTab, userPath(fan));
  await expectLive(fanTab);
  await expect(following(fanTab)).toHaveText('0 following');

  await gotoHydrated(fanPage, userPath(star));
  await expectLive(fanPage);
  await fanPage.getByRole('button', { name: 'Follow user' }).click();
  await expect(fanPage.getByText('You are currently following this user.')).toBeVisible();
  await expect(followers(starTab)).toHaveText('1 follower');
  await expect(following(fanTab)).toHaveText('1 following');
  // The follower's own page shows it once: its live event and its reload are the same follow.
  await expect(followers(fanPage)).toHaveText('1 follower');
  await fanPage.waitForTimeout(500);
  await expect(followers(fanPage)).toHaveText('1 follower');

  // A follow through the simulator API counts too.
  const other = uniqueName('apifan');
  await apiRegister(request, other);
  await apiFollow(request, other, star);
  await expect(followers(starTab)).toHaveText('2 followers');

  await fanPage.getByRole('button', { name: 'Unfollow user' }).click();
  await expect(fanPage.getByText('You are not yet following this user.')).toBeVisible();
  await expect(followers(starTab)).toHaveText('1 follower');
  await expect(following(fanTab)).toHaveText('0 following');
  await expect(followers(fanPage)).toHaveText('1 follower');

  await watcher.close();
  await fanContext.close();
});

test('the followers and following lists page with a cursor', async ({ page, request }) => {
  const star = uniqueName('popular');
  await apiRegister(request, star);
  const fans: string[] = [];
  for (let i = 0; i < 31; i += 1) {
    const fan = uniqueName(`f${String(i).padStart(2, '0')}_`);
    await apiRegister(request, fan);
    await apiFollow(request, fan, star);
    fans.push(fan);
  }
  await apiFollow(request, star, fans[0]!);

  await page.goto(userPath(star));
  await expect(followers(page)).toHaveText('31 followers');
  await expect(following(page)).toHaveText('1 following');
  await followers(page).click();
  await expect(page).toHaveTitle(`Followers of ${star} | MiniTwit`);
  const people = page.locator('ul.people > li a');
  await expect(people).toHaveText(fans.slice(0, 30));
  await page.getByRole('link', { name: 'More →' }).click();
  await expect(people).toHaveText(fans.slice(30));
  await expect(page.getByRole('link', { name: 'More →' })).toHaveCount(0);
  await page.getByRole('link', { name: '← First page' }).click();
  await expect(people).toHaveCount(30);

  await page.goto(`${userPath(star)}/following`);
  await expect(page).toHaveTitle(`Followed by ${star} | MiniTwit`);
  await expect(people).toHaveText([fans[0]!]);
  await people.first().click();
  await expect(page).toHaveURL(new RegExp(`${userPath(fans[0]!)}$`));

  const loner = uniqueName('loner');
  await apiRegister(request, loner);
  await page.goto(`${userPath(loner)}/following`);
  await expect(page.locator('ul.people > li.empty')).toHaveText('Not following anyone yet.');
  expect((await page.goto(`${userPath(star)}/followers?after=banana`))?.status()).toBe(400);
  expect((await page.goto(`/${uniqueName('nobody')}/followers`))?.status()).toBe(404);
});

test.describe('on a phone, without JavaScript', () => {
  test.use({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });

  test('the header and the lists fit the screen and work without script', async ({ page, request }) => {
    const star = uniqueName('narrow');
    const longFan = `${uniqueName('a-very-long-name-')}${'x'.repeat(60)}`;
    await apiRegister(request, star);
    await apiRegister(request, longFan);
    await apiFollow(request, longFan, star);
    for (const path of [userPath(star), `${userPath(star)}/followers`]) {
      await page.goto(path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${path} scrolls sideways`).toBeLessThanOrEqual(390);
    }
    await expect(page.locator('ul.people > li a')).toHaveText(longFan);
    await page.goto(userPath(star));
    await expect(followers(page)).toHaveText('1 follower');
  });
});
