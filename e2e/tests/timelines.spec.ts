import { expect, test } from '@playwright/test';
import { gotoHydrated, messageTexts, postForm, postMessage, signedInUser, uniqueName, userPath } from './helpers';

test('posting: recorded with a flash, and an empty post stores nothing', async ({ page }) => {
  const username = await signedInUser(page, 'poster');
  await gotoHydrated(page, '/');
  await expect(page.getByRole('heading', { name: 'My Timeline' })).toBeVisible();
  await expect(page.locator('ul.messages > li')).toHaveText(["There's no message so far."]);

  const box = page.getByLabel(`What's on your mind ${username}?`);
  await box.fill('   ');
  await page.getByRole('button', { name: 'Share' }).click();
  await expect(page.locator('div.error')).toBeVisible();
  await expect(page.locator('ul.messages > li')).toHaveText(["There's no message so far."]);

  const text = `hello ${uniqueName('')}`;
  await box.fill(text);
  await page.getByRole('button', { name: 'Share' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText('Your message was recorded');
  await expect(page).toHaveURL(/\/$/);
  const first = page.locator('ul.messages > li').first();
  await expect(first.locator('.text')).toHaveText(text);
  await expect(first.locator('strong > a')).toHaveText(username);
  await expect(first.locator('strong > a')).toHaveAttribute('href', userPath(username));
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
  await page.reload();
  await expect(page.locator('ul.flashes')).toHaveCount(0);
});

test('a post signed out is refused and stores nothing', async ({ request }) => {
  const text = `ghost ${uniqueName('')}`;
  const response = await postForm(request, '/?/post', { text });
  expect(response.status()).toBe(303);
  expect(response.headers().location).toBe('/login');
  const publicPage = await (await request.get('/public')).text();
  expect(publicPage).not.toContain(text);
});

test('each timeline shows the right messages, newest first', async ({ browser }) => {
  const [alice, bob, carol] = await Promise.all([browser.newPage(), browser.newPage(), browser.newPage()]);
  const a = await signedInUser(alice, 'alice');
  const b = await signedInUser(bob, 'bob');
  await signedInUser(carol, 'carol');
  const tag = uniqueName('t');
  await postMessage(alice.request, `${tag} a1`);
  await postMessage(bob.request, `${tag} b1`);
  await postMessage(carol.request, `${tag} c1`);
  await postMessage(alice.request, `${tag} a2`);
  expect((await postForm(alice.request, `${userPath(b)}?/follow`, {})).status()).toBe(303);

  const ours = (texts: string[]) => texts.filter((text) => text.startsWith(tag));

  await alice.goto('/');
  expect(ours(await messageTexts(alice))).toEqual([`${tag} a2`, `${tag} b1`, `${tag} a1`]);

  await alice.goto('/public');
  await expect(alice).toHaveTitle('Public Timeline | MiniTwit');
  expect(ours(await messageTexts(alice))).toEqual([`${tag} a2`, `${tag} c1`, `${tag} b1`, `${tag} a1`]);

  await alice.goto(userPath(a));
  await expect(alice).toHaveTitle(`${a}'s Timeline | MiniTwit`);
  expect(await messageTexts(alice)).toEqual([`${tag} a2`, `${tag} a1`]);

  // My Timeline shows only one's own and followed authors' messages.
  await bob.goto('/');
  expect(ours(await messageTexts(bob))).toEqual([`${tag} b1`]);
  await Promise.all([alice, bob, carol].map((page) => page.close()));
});

test('paging back through older messages is stable while new ones arrive', async ({ page }) => {
  const username = await signedInUser(page, 'pager');
  for (let n = 1; n <= 35; n++) await postMessage(page.request, `message ${n}`);

  await page.goto(userPath(username));
  const newest = await messageTexts(page);
  expect(newest).toHaveLength(30);
  expect(newest[0]).toBe('message 35');
  expect(newest[29]).toBe('message 6');
  const older = page.getByRole('link', { name: /Older messages/ });
  const olderHref = await older.getAttribute('href');

  // New messages on top do not shift what the next page holds.
  await postMessage(page.request, 'message 36');
  await older.click();
  await expect(page).toHaveURL(new RegExp(`\\?before=`));
  expect(await messageTexts(page)).toEqual(['message 5', 'message 4', 'message 3', 'message 2', 'message 1']);
  await expect(page.getByRole('link', { name: /Older messages/ })).toHaveCount(0);
  expect(page.url()).toContain(olderHref ?? 'missing');

  await page.getByRole('link', { name: /Newest messages/ }).click();
  await expect(page.locator('ul.messages > li .text').first()).toHaveText('message 36');

  // The same paging exists on My Timeline and the public timeline.
  await page.goto('/');
  await expect(page.getByRole('link', { name: /Older messages/ })).toBeVisible();
  await page.goto('/public');
  await expect(page.getByRole('link', { name: /Older messages/ })).toBeVisible();

  const bad = await page.goto(`${userPath(username)}?before=garbage`);
  expect(bad?.status()).toBe(400);
});

test('an unknown user is a 404', async ({ page }) => {
  const response = await page.goto(userPath(uniqueName('nobody')));
  expect(response?.status()).toBe(404);
  await expect(page).toHaveTitle('Not Found | MiniTwit');
});

test('signed out, / redirects to the public timeline', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/public$/);
});

test('with JavaScript, links navigate client-side', async ({ page }) => {
  await signedInUser(page, 'spa');
  // Hydrated first: a click before the client app owns the page is an ordinary link, a full load (one run in 42 here).
  await gotoHydrated(page, '/');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await page.getByRole('link', { name: 'Public Timeline' }).click();
  await expect(page).toHaveURL(/\/public$/);
  await expect(page.getByRole('heading', { name: 'Public Timeline' })).toBeVisible();
  // A full page load would have cleared the marker.
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
});
