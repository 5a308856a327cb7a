import { expect, test } from '@playwright/test';
import { API_URL } from '../base-url';
import { expectNoAxeViolations } from './axe';
import { gotoHydrated, postMessage, signedInUser, uniqueName, userPath } from './helpers';
import { apiRegister, itemWithText } from './live-helpers';

/** Issue 22 items 10 and 12 under axe (item 8's bar): the Delete disclosure, the profile header, the lists. */

const SIMULATOR_AUTH = { Authorization: 'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' };

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`axe, ${colorScheme}`, () => {
    test.use({ colorScheme });

    test('the Delete disclosure open and closed, the deletion banner, the profile header and both lists', async ({
      page,
      request,
    }) => {
      const me = await signedInUser(page, 'axedeleter');
      const fan = uniqueName('axefan');
      await apiRegister(request, fan);
      const follow = await request.post(`${API_URL}/fllws/${encodeURIComponent(fan)}`, {
        data: { follow: me },
        headers: SIMULATOR_AUTH,
      });
      expect(follow.status()).toBe(204);
      const text = `to delete ${uniqueName('')}`;
      await postMessage(page.request, text);
      await postMessage(page.request, `to keep ${uniqueName('')}`);

      await gotoHydrated(page, userPath(me));
      await expect(page.locator('.profile-header')).toBeVisible();
      await expectNoAxeViolations(page, 'own profile with Delete controls');
      const item = itemWithText(page, text);
      await item.locator('summary').click();
      await expect(item.getByRole('button', { name: 'Delete message' })).toBeVisible();
      await expectNoAxeViolations(page, 'the Delete disclosure open');
      await item.getByRole('button', { name: 'Delete message' }).click();
      await expect(page.locator('ul.flashes > li')).toContainText('Your message was deleted');
      await expectNoAxeViolations(page, 'after a deletion, with its banner');

      for (const list of ['followers', 'following']) {
        await gotoHydrated(page, `${userPath(me)}/${list}`);
        await expectNoAxeViolations(page, `the ${list} list`);
      }
    });
  });
}

test('the Delete summary and the count links are at least 24 px tall', async ({ page }) => {
  const me = await signedInUser(page, 'axetarget');
  await postMessage(page.request, `sized ${uniqueName('')}`);
  await gotoHydrated(page, userPath(me));
  for (const target of [
    page.locator('.delete-message summary').first(),
    page.locator('.profile-header a').first(),
    page.locator('.profile-header a').last(),
  ]) {
    const box = await target.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(24);
  }
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('an open Delete disclosure fits the screen', async ({ page }) => {
    const me = await signedInUser(page, 'phonedeleter');
    const text = `narrow ${uniqueName('')}`;
    await postMessage(page.request, text);
    await gotoHydrated(page, '/');
    const item = itemWithText(page, text);
    await item.locator('summary').click();
    await expect(item.getByRole('button', { name: 'Delete message' })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await gotoHydrated(page, userPath(me));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
