import { expect, test } from '@playwright/test';
import { uniqueName, userPath } from './helpers';
import { apiPost, apiRegister, expectLive, timelineItems } from './live-helpers';

/**
 * A live page left open for hours keeps a bounded number of messages in the
 * DOM (issue 11, fault 5): the newest 200 (LIVE_PAGE_CAP, unit-tested in
 * web/src/lib/live/timeline-items.test.ts); the pager then continues from
 * the last one kept, so nothing becomes unreachable.
 */
test('a live page keeps at most 200 messages, newest first, and pages on from the last kept', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const author = uniqueName('longrun');
  await apiRegister(request, author);
  await page.goto(userPath(author));
  await expectLive(page);

  const total = 230;
  for (let n = 1; n <= total; n += 1) await apiPost(request, author, `long-lived page ${n}`);

  await expect(timelineItems(page).first().locator('.text')).toHaveText(`long-lived page ${total}`);
  await expect(timelineItems(page)).toHaveCount(200);
  await expect(timelineItems(page).last().locator('.text')).toHaveText(`long-lived page ${total - 199}`);

  // "Older messages" continues right below the last message kept.
  await page.getByRole('link', { name: 'Older messages →' }).click();
  await expect(timelineItems(page).first().locator('.text')).toHaveText(`long-lived page ${total - 200}`);
});
