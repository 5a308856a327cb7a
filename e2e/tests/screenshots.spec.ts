import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Page, expect, test } from '@playwright/test';
import { loginViaForm, postForm, postMessage, signedInUser, userPath } from './helpers';

/** Screenshots of every page, phone and desktop, light and dark: e2e/artifacts/screenshots/. */
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'screenshots');
const WIDTHS = { phone: 390, desktop: 1280 } as const;

/** No internet here: Gravatar answers with a local identicon-like picture, so avatars look as they would. */
async function fakeGravatar(page: Page) {
  await page.route('https://www.gravatar.com/**', (route) => {
    const hash = new URL(route.request().url()).pathname.split('/').pop() ?? '0';
    const hue = parseInt(hash.slice(0, 6), 16) % 360;
    const body = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 5 5"><rect width="5" height="5" fill="hsl(${hue} 20% 92%)"/><path d="M1 1h1v1H1zM3 1h1v1H3zM0 3h5v1H0zM2 2h1v1H2z" fill="hsl(${hue} 60% 45%)"/></svg>`;
    return route.fulfill({ contentType: 'image/svg+xml', body });
  });
}

async function shoot(page: Page, name: string) {
  for (const [label, width] of Object.entries(WIDTHS)) {
    await page.setViewportSize({ width, height: label === 'phone' ? 844 : 900 });
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(OUT, `${name}-${label}.png`), fullPage: true });
  }
}

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots (${scheme})`, async ({ browser }) => {
    mkdirSync(OUT, { recursive: true });
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await fakeGravatar(page);
    const suffix = scheme === 'dark' ? '-dark' : '';

    const friendContext = await browser.newContext();
    const friendPage = await friendContext.newPage();
    const friend = await signedInUser(friendPage, 'Grace Hopper ', `grace${Date.now()}@example.com`);
    await postMessage(friendPage.request, 'Debugging: removing the needles from the haystack.');
    await postMessage(
      friendPage.request,
      'A ship in port is safe, but that is not what ships are built for. Sail out to sea and do new things.',
    );
    await friendContext.close();

    const me = await signedInUser(page, 'ada');
    await postMessage(
      page.request,
      'The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.',
    );
    await postMessage(page.request, 'שלום! Testing right-to-left text 😀 & <b>markup</b> stays as typed.');
    expect((await postForm(page.request, `${userPath(friend)}?/follow`, {})).status()).toBe(303);

    await page.goto('/');
    await expect(page.locator('ul.flashes')).toHaveCount(0);
    await shoot(page, `home${suffix}`);
    await page.goto('/public');
    await shoot(page, `public${suffix}`);
    await page.goto(userPath(friend));
    await shoot(page, `user-following${suffix}`);
    await page.getByRole('button', { name: 'Unfollow user' }).click();
    await expect(page.locator('ul.flashes > li')).toBeVisible();
    await shoot(page, `user-flash${suffix}`);
    await page.goto(userPath(me));
    await shoot(page, `user-self${suffix}`);
    await page.goto('/logout');
    await shoot(page, `logout${suffix}`);
    await page.getByRole('main').getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page.locator('ul.flashes > li')).toHaveText('You were signed out');

    await page.goto('/register');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page.locator('div.error')).toBeVisible();
    await shoot(page, `register-error${suffix}`);
    await loginViaForm(page, 'nobody-at-all');
    await expect(page.locator('div.error')).toBeVisible();
    await shoot(page, `login-error${suffix}`);
    await page.goto('/no such user here');
    await shoot(page, `not-found${suffix}`);
    await context.close();
  });
}
