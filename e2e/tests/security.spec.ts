import { expect, test } from '@playwright/test';
import { BASE_URL } from '../base-url';
import { gotoHydrated, postForm, signedInUser, userPath } from './helpers';

test('a cross-site form POST is refused', async ({ page, browser }) => {
  const other = await browser.newPage();
  const whom = await signedInUser(other, 'target');
  await other.close();
  await signedInUser(page, 'victim');

  // A page on another site that submits a follow form to MiniTwit.
  await page.route('http://evil.test/**', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<form method="POST" action="${BASE_URL}${userPath(whom)}?/follow"><button>win a prize</button></form>`,
    }),
  );
  await page.goto('http://evil.test/');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(BASE_URL)),
    page.getByRole('button', { name: 'win a prize' }).click(),
  ]);
  expect(response.status()).toBe(403);

  await page.goto(userPath(whom));
  await expect(page.locator('.followstatus')).toContainText('You are not yet following this user.');

  // The same request with a foreign Origin header, straight over HTTP.
  const forged = await page.request.post(`${userPath(whom)}?/follow`, {
    form: {},
    headers: { Origin: 'http://evil.test', Accept: 'text/html' },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  // Control: the same-origin request does follow.
  expect((await postForm(page.request, `${userPath(whom)}?/follow`, {})).status()).toBe(303);
});

test('pages carry the security headers', async ({ request }) => {
  const response = await request.get('/public');
  const headers = response.headers();
  const csp = headers['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
  expect(csp).toContain("default-src 'self'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
});

test('the page runs under its CSP without violations', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await signedInUser(page, 'csp');
  await gotoHydrated(page, '/');
  // Hydrated: client-side navigation keeps the window, so SvelteKit's scripts were allowed to run.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  await page.getByRole('link', { name: 'Public Timeline' }).click();
  await expect(page).toHaveURL(/\/public$/);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  expect(violations).toEqual([]);
});
