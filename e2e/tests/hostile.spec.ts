import { expect, test } from '@playwright/test';
import { PASSWORD, postForm, postMessage, userPath } from './helpers';

const HOSTILE_TEXT =
  `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> ` +
  `"double" 'single' & &amp; &lt; 😀👩‍👩‍👧 שלום עולם مرحبا  two  spaces`;

test('hostile text is shown exactly as typed and never executed', async ({ page }) => {
  // A username with markup, quotes, an ampersand, a slash, emoji and right-to-left text.
  const username = `<b>"Ann" & 'Bo'/שלום 😀 ${Date.now().toString(36)}`;
  const registered = await postForm(page.request, '/register', {
    username,
    email: `hostile${Date.now()}@example.com`,
    password: PASSWORD,
    password2: PASSWORD,
  });
  expect(registered.status()).toBe(303);
  expect((await postForm(page.request, '/login', { username, password: PASSWORD })).status()).toBe(303);
  await postMessage(page.request, HOSTILE_TEXT);

  for (const path of ['/', '/public', userPath(username)]) {
    await page.goto(path);
    const first = page.locator('ul.messages > li').first();
    // textContent, not toHaveText: the latter would forgive collapsed spaces.
    expect(await first.locator('.text').textContent()).toBe(HOSTILE_TEXT);
    expect(await first.locator('strong > a').textContent()).toBe(username);
    expect(await page.locator('ul.messages img[src="x"], ul.messages script, ul.messages b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  }

  // The author link leads to the author's page, however odd the name.
  await page.goto('/public');
  await page.locator('ul.messages > li').first().locator('strong > a').click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(`${username}'s Timeline`);
  await expect(page.locator('.followstatus')).toHaveText('This is you!');
  await expect(page).toHaveTitle(`${username}'s Timeline | MiniTwit`);
  await page.goto('/');
  await expect(page.getByText(`What's on your mind ${username}?`)).toBeVisible();
});
