import { expect, test } from '@playwright/test';
import { gotoHydrated, postMessage, signedInUser } from './helpers';
import { apiPost, apiRegister, expectLive, itemWithText } from './live-helpers';

/**
 * Issue 22, item 11: http(s) addresses in messages are links
 * (rel="nofollow noopener ugc"), in the server's render and in messages that
 * arrive live; hostile texts stay text; and the post box counts characters
 * against the 500 limit before anything is sent.
 */
const HOSTILE_WITH_LINKS =
  `<script>window.__pwned = 1</script> https://example.com/a?b=1&c=2#frag, ` +
  `javascript:window.__pwned=3 https://x.example/"onmouseover="window.__pwned=4 ` +
  `<a href="javascript:window.__pwned=5">https://y.example/</a> data:text/html,<b>no</b> (https://z.example/x_(y)).`;

const EXPECTED_LINKS = [
  { text: 'https://example.com/a?b=1&c=2#frag', href: 'https://example.com/a?b=1&c=2#frag' },
  { text: 'https://x.example/', href: 'https://x.example/' },
  { text: 'https://y.example/', href: 'https://y.example/' },
  { text: 'https://z.example/x_(y)', href: 'https://z.example/x_(y)' },
];

async function linksIn(item: import('@playwright/test').Locator) {
  return item.locator('.text a').evaluateAll((anchors) =>
    anchors.map((anchor) => ({
      text: anchor.textContent,
      href: anchor.getAttribute('href'),
      rel: anchor.getAttribute('rel'),
      attributes: anchor.getAttributeNames().sort(),
    })),
  );
}

test('addresses in messages are links, only http(s), and hostile text around them stays text', async ({ page }) => {
  await signedInUser(page, 'linker');
  await postMessage(page.request, HOSTILE_WITH_LINKS);
  for (const path of ['/', '/public']) {
    await gotoHydrated(page, path);
    const item = page.locator('ul.messages > li').first();
    expect(await item.locator('.text').textContent()).toBe(HOSTILE_WITH_LINKS);
    expect(await linksIn(item)).toEqual(
      EXPECTED_LINKS.map((link) => ({ ...link, rel: 'nofollow noopener ugc', attributes: ['href', 'rel'] })),
    );
    expect(await page.locator('ul.messages script, ul.messages b, ul.messages [onmouseover]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  }
  // The link works: it points where it says (no network here, so the request is answered in the test).
  await page.route('https://example.com/**', (route) => route.fulfill({ body: 'outside', contentType: 'text/plain' }));
  await page.locator('ul.messages > li').first().getByRole('link', { name: EXPECTED_LINKS[0]!.text }).click();
  await expect(page).toHaveURL(EXPECTED_LINKS[0]!.href);
});

test('links render in a message that arrives live', async ({ page, request }) => {
  const author = `links${Date.now().toString(36)}`;
  await apiRegister(request, author);
  await gotoHydrated(page, '/public');
  await expectLive(page);
  const text = `live ${Date.now()} ${HOSTILE_WITH_LINKS}`;
  await apiPost(request, author, text);
  const item = itemWithText(page, text);
  await expect(item).toHaveCount(1);
  expect(await item.locator('.text').textContent()).toBe(text);
  expect(await linksIn(item)).toEqual(
    EXPECTED_LINKS.map((link) => ({ ...link, rel: 'nofollow noopener ugc', attributes: ['href', 'rel'] })),
  );
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('the post box counts characters against the 500 limit before sending, described and announced near the limit', async ({
  page,
}) => {
  await signedInUser(page, 'counter');
  await gotoHydrated(page, '/');
  const box = page.getByLabel(/What's on your mind/);
  const counter = page.locator('.char-count');
  await expect(counter).toHaveText('0 of 500 characters');
  // The field is described by the counter, so the count is read with it.
  const describedBy = (await box.getAttribute('aria-describedby'))?.split(' ') ?? [];
  expect(describedBy).toContain(await counter.getAttribute('id'));
  await expect(box).toHaveAccessibleDescription(/0 of 500 characters/);

  const region = page.locator('[aria-live="polite"]').filter({ hasText: /characters? (left|over)/ });
  // An emoji is one character, as the server counts.
  await box.fill('😀'.repeat(10));
  await expect(counter).toHaveText('10 of 500 characters');
  await expect(region).toHaveCount(0);
  await box.fill('a'.repeat(480));
  await expect(counter).toHaveText('480 of 500 characters');
  await expect(region).toHaveText('20 characters left');
  await box.fill('a'.repeat(502));
  await expect(counter).toHaveText('2 over the 500-character limit');
  await expect(region).toHaveText('2 characters over the limit');
  // Still the server's check that decides: over the limit is refused, with the text kept.
  await page.getByRole('button', { name: 'Share' }).click();
  await expect(page.locator('div.error')).toContainText('500');
  await expect(counter).toHaveText('2 over the 500-character limit');
  await box.fill('short again');
  await expect(counter).toHaveText('11 of 500 characters');
});

test('without JavaScript the post box states the limit', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signedInUser(page, 'counternojs');
  await page.goto('/');
  await expect(page.locator('.char-count')).toHaveText('Up to 500 characters');
  await expect(page.getByLabel(/What's on your mind/)).toHaveAccessibleDescription('Up to 500 characters');
  await context.close();
});
