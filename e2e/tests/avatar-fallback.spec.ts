import { expect, test } from '@playwright/test';
import { API_URL } from '../base-url';
import { PASSWORD, postForm, postMessage, uniqueName } from './helpers';

/**
 * Issue 11 item 10: with the avatar host unreachable, every message shows
 * the author's initial on a neutral disc — in the server render and in
 * messages that arrive live — never the browser's broken-image icon.
 */
test('avatars fall back to the initial when Gravatar cannot be reached', async ({ page }) => {
  await page.route('https://www.gravatar.com/**', (route) => route.abort('internetdisconnected'));
  const username = uniqueName('quinn');
  expect(
    (
      await postForm(page.request, '/register', {
        username,
        email: ` ${username}@Example.org `,
        password: PASSWORD,
        password2: PASSWORD,
      })
    ).status(),
  ).toBe(303);
  expect((await postForm(page.request, '/login', { username, password: PASSWORD })).status()).toBe(303);
  await postMessage(page.request, 'rendered by the server');

  await page.goto('/public');
  await expect(page.locator('.live-status')).toHaveAttribute('data-status', 'live');
  // A message that arrives live, through the simulator API.
  const live = await page.request.post(`${API_URL}/msgs/${encodeURIComponent(username)}`, {
    headers: { Authorization: 'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' },
    data: { content: 'arrived live' },
  });
  expect(live.status()).toBe(204);
  await expect(page.locator('ul.messages > li').first().locator('.text')).toHaveText('arrived live');

  for (const text of ['arrived live', 'rendered by the server']) {
    const item = page.locator('ul.messages > li', { hasText: text }).first();
    const avatar = item.locator('.avatar');
    await expect(avatar).toHaveAttribute('data-initial', 'Q');
    const image = avatar.locator('img');
    // The picture really failed, and what covers its box is the disc with the initial, not the broken-image icon.
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 0))
      .toBe(true);
    const cover = await image.evaluate((img) => {
      const after = getComputedStyle(img, '::after');
      return { content: after.content, background: after.backgroundColor, position: after.position };
    });
    expect(cover).toEqual({ content: '"Q"', background: expect.stringMatching(/^rgb/), position: 'absolute' });
  }
});
