import { type Page, expect, test } from '@playwright/test';
import { SESSION_COOKIE } from '@minitwit/db/sessions';
import { gotoHydrated, loginViaForm, registerViaForm, signOutViaForm, uniqueName, userPath } from './helpers';
import { apiPost, apiRegister } from './live-helpers';

/**
 * Issue 22, item 9: signing up ends signed in on My Timeline (it used to end
 * on the sign-in page); one wording everywhere ("Sign in", "Sign out", "Sign
 * up"); an empty My Timeline suggests people to follow; your own name in the
 * header opens your profile and "Sign out" is a control of its own.
 */

/** The words the app used to mix; none may show on any page now. */
const OLD_WORDING = /\blog ?in\b|\blogged\b|\blog ?out\b|Sign In|Sign Up|Sign Out/;

async function expectOneWording(page: Page, state: string) {
  const text = await page.locator('body').innerText();
  expect(text, state).not.toMatch(OLD_WORDING);
  expect(await page.title(), state).not.toMatch(OLD_WORDING);
}

test('signing up signs the new user in on My Timeline, which suggests the most active recent authors to follow', async ({
  page,
  context,
  request,
}) => {
  // An author busier than anyone else in the window of recent messages.
  const busy = uniqueName('busy');
  await apiRegister(request, busy);
  for (let n = 0; n < 40; n++) await apiPost(request, busy, `busy message ${n}`);

  await gotoHydrated(page, '/public');
  await expectOneWording(page, 'the public timeline, signed out');
  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page).toHaveTitle('Sign up | MiniTwit');
  await expectOneWording(page, 'sign up');
  const me = uniqueName('newbie');
  await registerViaForm(page, me);
  await expect(page).toHaveURL(/\/$/);
  expect((await context.cookies()).some((cookie) => cookie.name === SESSION_COOKIE)).toBe(true);
  await expectOneWording(page, 'My Timeline after sign-up');

  // Nothing followed yet, so nothing to read: people to follow instead, never oneself.
  await expect(page.locator('ul.messages > li.empty')).toHaveText("There's no message so far.");
  const suggestions = page.getByRole('region', { name: 'People to follow' });
  await expect(suggestions).toBeVisible();
  const names = suggestions.locator('li a.name');
  await expect(names.first()).toBeVisible();
  expect(await names.count()).toBeLessThanOrEqual(5);
  expect(await names.allTextContents()).toContain(busy);
  expect(await names.allTextContents()).not.toContain(me);
  // On a phone too: the header's name and "Sign out", and the suggestions, fit without sideways scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const control of [
    suggestions.getByRole('button', { name: `Follow ${busy}` }),
    page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }),
    page.getByRole('banner').getByRole('link', { name: me, exact: true }),
  ]) {
    const box = await control.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390, `${control} within 390 px`).toBe(true);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });

  // Following from the suggestion: the author's page says so, and My Timeline fills.
  await suggestions
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: busy, exact: true }) })
    .getByRole('button', { name: `Follow ${busy}` })
    .click();
  await expect(page.locator('ul.flashes > li')).toHaveText(`You are now following "${busy}"`);
  await page.getByRole('link', { name: 'My Timeline' }).click();
  await expect(page.locator('ul.messages > li .text').first()).toHaveText('busy message 39');
  await expect(page.getByRole('region', { name: 'People to follow' })).toHaveCount(0);

  // Your own name opens your profile; "Sign out" is its own control, named only that.
  const header = page.getByRole('banner');
  await header.getByRole('link', { name: me, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${userPath(me).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  await expect(page.locator('.followstatus')).toHaveText('This is you!');
  await expect(header.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();

  await gotoHydrated(page, '/logout');
  await expectOneWording(page, 'the sign-out page');
  await gotoHydrated(page, '/');
  await signOutViaForm(page);
  await expectOneWording(page, 'signed out, with its banner');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveTitle('Sign in | MiniTwit');
  await expectOneWording(page, 'sign in');
  await loginViaForm(page, me);
  await expect(page.locator('ul.flashes > li')).toHaveText('You were signed in');
  await expectOneWording(page, 'My Timeline after sign-in, with its banner');
});
