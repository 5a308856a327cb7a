import { type Browser, type Page, expect, test } from '@playwright/test';
import { gotoHydrated, postForm, postMessage, signedInUser, uniqueName, userPath } from './helpers';
import { apiPost, apiRegister, cuttableLiveConnection, expectLive, itemWithText, timelineItems } from './live-helpers';

/** A signed-in user in a browser context of their own (their own cookies), as two people on two machines. */
async function person(browser: Browser, prefix: string): Promise<{ page: Page; name: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const name = await signedInUser(page, prefix);
  return { page, name };
}

test.afterEach(async ({ browser }) => {
  await Promise.all(browser.contexts().map((context) => context.close()));
});

test('a post on the web appears live on the public timeline and on a follower’s My Timeline', async ({ browser }) => {
  const a = await person(browser, 'watcher');
  const b = await person(browser, 'writer');
  expect((await postForm(a.page.request, `${userPath(b.name)}?/follow`, {})).status()).toBe(303);

  const publicTab = a.page;
  const homeTab = await publicTab.context().newPage();
  // The live connection must live within the pages' CSP (connect-src 'self').
  const violations: string[] = [];
  publicTab.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await publicTab.goto('/public');
  await homeTab.goto('/');
  await expectLive(publicTab);
  await expectLive(homeTab);

  await gotoHydrated(b.page, '/');
  const text = `live from the web ${uniqueName('')} <b>as typed</b>`;
  await b.page.getByLabel(`What's on your mind ${b.name}?`).fill(text);
  await b.page.getByRole('button', { name: 'Share' }).click();
  await expect(b.page.locator('ul.flashes > li')).toHaveText('Your message was recorded');

  for (const tab of [publicTab, homeTab]) {
    const first = timelineItems(tab).first();
    await expect(first.locator('.text')).toHaveText(text);
    // Drawn exactly like a server-rendered message (SPEC §2).
    await expect(first.locator('strong > a')).toHaveText(b.name);
    await expect(first.locator('strong > a')).toHaveAttribute('href', userPath(b.name));
    // The server's UTC time, in words once the page runs (issue 22, item 7; relative-time.spec.ts).
    await expect(first.locator('small time')).toHaveText('just now');
    await expect(first.locator('small time')).toHaveAttribute(
      'datetime',
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    );
    await expect(first.locator('img')).toHaveAttribute(
      'src',
      /^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{32}\?d=identicon&s=48$/,
    );
  }
  expect(violations).toEqual([]);
  // The writer's own page got it twice (the re-render after posting, and live): it shows it once.
  await expect(itemWithText(b.page, text)).toHaveCount(1);
  await b.page.reload();
  await expect(itemWithText(b.page, text)).toHaveCount(1);
});

test('a message posted through the simulator API appears live', async ({ browser, request }) => {
  const a = await person(browser, 'apiwatcher');
  const author = uniqueName('apiauthor');
  await apiRegister(request, author);
  await apiPost(request, author, 'already there');

  await a.page.goto(userPath(author));
  await expect(timelineItems(a.page).locator('.text')).toHaveText(['already there']);
  await expectLive(a.page);

  await apiPost(request, author, 'sent by the simulator');
  await expect(timelineItems(a.page).locator('.text')).toHaveText(['sent by the simulator', 'already there']);
});

test('a follow made in another tab starts live delivery on My Timeline, an unfollow stops it', async ({ browser }) => {
  const a = await person(browser, 'follower');
  const b = await person(browser, 'followed');
  const homeTab = a.page;
  await homeTab.goto('/');
  await expectLive(homeTab);

  const otherTab = await homeTab.context().newPage();
  await otherTab.goto(userPath(b.name));
  await otherTab.getByRole('button', { name: 'Follow user' }).click();
  await expect(otherTab.locator('ul.flashes > li')).toHaveText(`You are now following "${b.name}"`);

  await postMessage(b.page.request, 'while followed');
  await expect(timelineItems(homeTab).locator('.text')).toHaveText(['while followed']);

  await otherTab.getByRole('button', { name: 'Unfollow user' }).click();
  await expect(otherTab.locator('ul.flashes > li')).toHaveText(`You are no longer following "${b.name}"`);
  await postMessage(b.page.request, 'after the unfollow');
  // The viewer's own post comes after B's: once it is shown, B's would have been too, had it been sent.
  await postMessage(homeTab.request, 'my own, later');
  await expect(timelineItems(homeTab).locator('.text')).toHaveText(['my own, later', 'while followed']);
});

test('a reader scrolled down gets a "new messages" button instead of a jump', async ({ browser, request }) => {
  const a = await person(browser, 'scroller');
  const author = uniqueName('prolific');
  await apiRegister(request, author);
  for (let n = 1; n <= 12; n++) await apiPost(request, author, `older ${n}`);

  await a.page.setViewportSize({ width: 390, height: 500 });
  await a.page.goto(userPath(author));
  await expectLive(a.page);
  await timelineItems(a.page).last().scrollIntoViewIfNeeded();
  await expect.poll(() => a.page.evaluate(() => window.scrollY)).toBeGreaterThan(300);

  await apiPost(request, author, 'newer 1');
  await apiPost(request, author, 'newer 2');
  const button = a.page.getByRole('button', { name: '2 new messages' });
  await expect(button).toBeVisible();
  // Nothing moved under the reader.
  await expect(timelineItems(a.page).first().locator('.text')).toHaveText('older 12');
  expect(await a.page.evaluate(() => window.scrollY)).toBeGreaterThan(300);

  await button.click();
  await expect(timelineItems(a.page).locator('.text').first()).toHaveText('newer 2');
  await expect(timelineItems(a.page).locator('.text').nth(1)).toHaveText('newer 1');
  await expect(button).toHaveCount(0);
  await expect.poll(() => a.page.evaluate(() => window.scrollY)).toBe(0);
});

test('a message written while the connection was down appears once, in order, after reconnecting', async ({
  browser,
  request,
}) => {
  const a = await person(browser, 'flaky');
  const author = uniqueName('steady');
  await apiRegister(request, author);
  await apiPost(request, author, 'before the outage');

  const connection = await cuttableLiveConnection(a.page);
  await a.page.goto(userPath(author));
  await expectLive(a.page);

  await connection.cut();
  await expect(a.page.locator('.live-status')).toHaveText('Reconnecting…');
  await apiPost(request, author, 'during the outage');
  connection.restore();

  await expectLive(a.page);
  await expect(itemWithText(a.page, 'during the outage')).toHaveCount(1);
  // Live again: a later message arrives on top, and the missed one is still there exactly once.
  await apiPost(request, author, 'after the outage');
  await expect(timelineItems(a.page).locator('.text')).toHaveText([
    'after the outage',
    'during the outage',
    'before the outage',
  ]);
});

test('an older page stays still: no live connection while paging back', async ({ browser, request }) => {
  const a = await person(browser, 'historian');
  const author = uniqueName('verbose');
  await apiRegister(request, author);
  for (let n = 1; n <= 31; n++) await apiPost(request, author, `entry ${n}`);

  await a.page.goto(userPath(author));
  await expectLive(a.page);
  await a.page.getByRole('link', { name: /Older messages/ }).click();
  await expect(timelineItems(a.page).locator('.text')).toHaveText(['entry 1']);
  await expect(a.page.locator('.live-status')).toHaveText('');

  // Back on the newest page, it is live again.
  await a.page.getByRole('link', { name: /Newest messages/ }).click();
  await expectLive(a.page);
  await apiPost(request, author, 'entry 32');
  await expect(timelineItems(a.page).locator('.text').first()).toHaveText('entry 32');
});
