import { type Locator, type Page, expect, test } from '@playwright/test';
import { gotoHydrated, postMessage, signedInUser } from './helpers';
import { apiPost, apiRegister, expectLive, itemWithText } from './live-helpers';

/**
 * Issue 22, item 7: times were UTC without saying so. The server still
 * renders the reference's UTC text, marked up as <time datetime>; in the
 * browser it becomes "how long ago", kept current, with the exact time in
 * the reader's own zone on hover (title) and keyboard focus.
 */
const ZONE = 'America/Los_Angeles';
test.use({ timezoneId: ZONE });

/** What the reader should see on hover: the moment in Los Angeles, zone named (PST or PDT). */
function exactInZone(iso: string): string {
  return new Intl.DateTimeFormat('en', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone: ZONE,
  }).format(new Date(iso));
}

/** ICU versions differ in which space they put before AM/PM: compare with plain spaces. */
const plainSpaces = (text: string | null) => (text ?? '').replace(/\s/gu, ' ');

async function expectLocalTitle(time: Locator) {
  const iso = await time.getAttribute('datetime');
  expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const title = plainSpaces(await time.getAttribute('title'));
  expect(title).toBe(plainSpaces(exactInZone(iso!)));
  expect(title).toMatch(/ P[SD]T$/);
}

const firstTime = (page: Page) => page.locator('ul.messages > li').first().locator('small time');

test('the server renders UTC in <time datetime>; the browser shows how long ago, with the exact local time on hover and focus, kept current', async ({
  page,
}) => {
  await signedInUser(page, 'clock');
  await postMessage(page.request, 'what time is it in Los Angeles?');

  // The server's render (and what a page without JavaScript keeps): the reference text, said to be UTC.
  const html = await (await page.request.get('/')).text();
  const rendered = /<time datetime="([^"]+)" title="([^"]+)">([^<]+)<\/time>/.exec(html);
  expect(rendered, 'a <time datetime> in the server render').not.toBeNull();
  const [, iso, utcTitle, text] = rendered!;
  const date = new Date(iso!);
  const pad = (value: number) => String(value).padStart(2, '0');
  const utc = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} @ ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
  expect(text).toBe(utc);
  expect(utcTitle).toBe(`${utc} UTC`);

  // The browser's clock is Playwright's from here, so the test can move it on.
  await page.clock.install();
  await gotoHydrated(page, '/');
  const time = firstTime(page);
  await expect(time).toHaveText('just now');
  await expect(time).toHaveAttribute('datetime', iso!);
  await expectLocalTitle(time);

  // Keyboard users reach the exact time too: the time takes focus and shows its title beside it.
  await expect(time).toHaveAttribute('tabindex', '0');
  await time.focus();
  await expect(time).toBeFocused();
  const shown = await time.evaluate((element) => getComputedStyle(element, '::after').content);
  expect(plainSpaces(shown)).toBe(`"${plainSpaces(await time.getAttribute('title'))}"`);

  // It keeps counting while the page stays open.
  await page.clock.fastForward('03:10');
  await expect(time).toHaveText('3 minutes ago');
  await page.clock.fastForward('02:00:00');
  await expect(time).toHaveText('2 hours ago');
});

test('a message that arrives live shows its time the same way', async ({ page, request }) => {
  const author = `tz${Date.now().toString(36)}`;
  await apiRegister(request, author);
  await gotoHydrated(page, '/public');
  await expectLive(page);
  const text = `arrived in Los Angeles ${Date.now()}`;
  await apiPost(request, author, text);
  const time = itemWithText(page, text).locator('small time');
  await expect(time).toHaveText('just now');
  await expectLocalTitle(time);
  await expect(time).toHaveAttribute('tabindex', '0');
});
