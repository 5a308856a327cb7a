import { type Browser, type Page, expect, test } from '@playwright/test';
import { gotoHydrated, postForm, postMessage, uniqueName, userPath, PASSWORD } from './helpers';
import { apiPost, apiRegister, expectLive, timelineItems } from './live-helpers';

/** Issue 22, items 4 and 5: the "new messages" button and long names, as rendered on a phone and a desktop. */

const VIEWPORTS = { phone: { width: 390, height: 600 }, desktop: { width: 1280, height: 600 } } as const;

async function newPage(browser: Browser, viewport: { width: number; height: number }, colorScheme: 'light' | 'dark') {
  const context = await browser.newContext({ viewport, colorScheme });
  return { context, page: await context.newPage() };
}

/** WCAG contrast ratio of two computed CSS colours (rgb/rgba, opaque). */
function contrast(foreground: string, background: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((channel) => {
      const c = Number(channel) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

for (const scheme of ['light', 'dark'] as const) {
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    test(`item 4 (${label}, ${scheme}): the "new messages" button is full size, readable, keyboard-reachable and announced`, async ({
      browser,
      request,
    }) => {
      const { context, page } = await newPage(browser, viewport, scheme);
      const author = uniqueName('pill');
      await apiRegister(request, author);
      for (let n = 1; n <= 12; n++) await apiPost(request, author, `older ${n}`);
      await gotoHydrated(page, userPath(author));
      await expectLive(page);
      const announcer = page.locator('.live-timeline p.live-announcer');

      await timelineItems(page).last().scrollIntoViewIfNeeded();
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
      await apiPost(request, author, 'newer 1');
      const button = page.getByRole('button', { name: '1 new message' });
      await expect(button).toBeVisible();

      // Its real size: as tall as its content (it was squashed to 18 px for 32 px of content).
      const size = await button.evaluate((element) => ({
        height: element.getBoundingClientRect().height,
        clientHeight: element.clientHeight,
        scrollHeight: element.scrollHeight,
        color: getComputedStyle(element).color,
        background: getComputedStyle(element).backgroundColor,
      }));
      expect(size.height).toBeGreaterThanOrEqual(32);
      expect(size.clientHeight).toBeGreaterThanOrEqual(size.scrollHeight);
      // Its text is drawn on its own background, with AA contrast, and nothing covers it.
      expect(contrast(size.color, size.background)).toBeGreaterThanOrEqual(4.5);
      const onTop = await button.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return hit !== null && element.contains(hit);
      });
      expect(onTop).toBe(true);
      await page.screenshot({ path: `artifacts/new-messages-${label}-${scheme}.png` });

      // One key from anywhere on the page (not while typing): "." shows them, as the button says.
      await expect(button).toHaveAttribute('aria-keyshortcuts', '.');
      await page.keyboard.press('.');
      await expect(timelineItems(page).first().locator('.text')).toHaveText('newer 1');
      await expect(button).toHaveCount(0);
      // Waiting messages were announced politely; so is one that simply appears at the top.
      await expect(announcer).toContainText('1 new message above');
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
      await apiPost(request, author, 'arrived at the top');
      await expect(timelineItems(page).first().locator('.text')).toHaveText('arrived at the top');
      await expect(announcer).toHaveText(`New message from ${author}: arrived at the top`);
      await context.close();
    });
  }
}

test('item 4: the "new messages" button is the next Tab stop after the post box', async ({ browser, request }) => {
  const { context, page } = await newPage(browser, VIEWPORTS.phone, 'light');
  const username = uniqueName('tabber');
  await postForm(page.request, '/register', {
    username,
    email: `${username}@example.com`,
    password: PASSWORD,
    password2: PASSWORD,
  });
  await postForm(page.request, '/login', { username, password: PASSWORD });
  const author = uniqueName('followedpill');
  await apiRegister(request, author);
  expect((await postForm(page.request, `${userPath(author)}?/follow`, {})).status()).toBe(303);
  for (let n = 1; n <= 10; n++) await postMessage(page.request, `mine ${n}`);
  await gotoHydrated(page, '/');
  await expectLive(page);
  await timelineItems(page).last().scrollIntoViewIfNeeded();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
  await apiPost(request, author, 'from the followed');
  const button = page.getByRole('button', { name: '1 new message' });
  await expect(button).toBeVisible();
  await page.getByRole('button', { name: 'Share' }).focus();
  await page.keyboard.press('Tab');
  await expect(button).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(timelineItems(page).first().locator('.text')).toHaveText('from the followed');
  await context.close();
});

/** The username is 100 characters, the longest allowed. */
const longName = () => uniqueName('Wolfeschlegelsteinhausen').padEnd(100, 'n');

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `horizontal overflow on ${page.url()}`).toBeLessThanOrEqual(0);
}

for (const [label, viewport] of Object.entries(VIEWPORTS)) {
  test(`item 5 (${label}): a 100-character username is cut with an ellipsis and the page never scrolls sideways`, async ({
    browser,
  }) => {
    const { context, page } = await newPage(browser, viewport, 'light');
    const name = longName();
    expect(name).toHaveLength(100);
    await postForm(page.request, '/register', {
      username: name,
      email: 'long@example.com',
      password: PASSWORD,
      password2: PASSWORD,
    });
    await postForm(page.request, '/login', { username: name, password: PASSWORD });
    await postMessage(page.request, 'a message from a long name');

    for (const path of ['/', '/public', userPath(name)]) {
      await gotoHydrated(page, path);
      await noSidewaysScroll(page);
      const shown = page.locator('.username', { hasText: name });
      // Header, and on these pages: the post box or the page heading, and the message's author.
      expect(await shown.count()).toBeGreaterThanOrEqual(2);
      for (const element of await shown.all()) {
        await expect(element).toHaveAttribute('title', name);
        const box = await element.evaluate((node) => ({
          right: node.getBoundingClientRect().right,
          cut: node.scrollWidth > node.clientWidth,
          overflow: getComputedStyle(node).textOverflow,
        }));
        expect(box.right).toBeLessThanOrEqual(viewport.width);
        expect(box.cut).toBe(true);
        expect(box.overflow).toBe('ellipsis');
      }
    }
    await context.close();
  });
}
