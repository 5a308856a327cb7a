import { expect, test } from '@playwright/test';
import { SESSION_COOKIE } from '@minitwit/db/sessions';
import { PASSWORD, gotoHydrated, loginViaForm, postForm, registerViaForm, signOutViaForm, uniqueName } from './helpers';

test.describe('register', () => {
  const cases: { name: string; fields: Record<string, string>; error: string }[] = [
    {
      name: 'no username',
      fields: { username: '', email: 'a@b.c', password: 'x', password2: 'x' },
      error: 'You have to enter a username',
    },
    // Order matters: with everything wrong, the username error wins.
    {
      name: 'everything missing',
      fields: { username: '', email: '', password: '', password2: 'y' },
      error: 'You have to enter a username',
    },
    {
      name: 'bad email',
      fields: { username: 'U', email: 'not-an-email', password: '', password2: '' },
      error: 'You have to enter a valid email address',
    },
    {
      name: 'no password',
      fields: { username: 'U', email: 'a@b.c', password: '', password2: 'y' },
      error: 'You have to enter a password',
    },
    {
      name: 'passwords differ',
      fields: { username: 'U', email: 'a@b.c', password: 'x', password2: 'y' },
      error: 'The two passwords do not match',
    },
  ];

  for (const { name, fields, error } of cases) {
    test(`error: ${name}`, async ({ page }) => {
      await gotoHydrated(page, '/register');
      await expect(page).toHaveTitle('Sign up | MiniTwit');
      await page.getByLabel('Username').fill(fields.username ?? '');
      await page.getByLabel('E-Mail').fill(fields.email ?? '');
      await page.getByLabel('Password', { exact: true }).fill(fields.password ?? '');
      await page.getByLabel('Password (repeat)').fill(fields.password2 ?? '');
      await page.getByRole('button', { name: 'Sign up' }).click();
      await expect(page.locator('div.error')).toContainText(error);
      await expect(page).toHaveURL(/\/register$/);
      // What was typed is kept for the next try.
      await expect(page.getByLabel('Username')).toHaveValue(fields.username ?? '');
    });
  }

  test('success, then the name is taken', async ({ page }) => {
    const username = uniqueName('reg');
    await registerViaForm(page, username);
    await expect(page).toHaveURL(/\/$/);
    await signOutViaForm(page);

    await gotoHydrated(page, '/register');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('E-Mail').fill('other@example.com');
    await page.getByLabel('Password', { exact: true }).fill('p');
    await page.getByLabel('Password (repeat)').fill('p');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page.locator('div.error')).toContainText('The username is already taken');
  });
});

test.describe('login and logout', () => {
  test('errors, success, a fresh session, and logout ends it on the server', async ({ page, context }) => {
    const username = uniqueName('login');
    await registerViaForm(page, username);
    await signOutViaForm(page);

    await loginViaForm(page, `${username}-nobody`);
    await expect(page.locator('div.error')).toContainText('Invalid username');
    await loginViaForm(page, username, 'wrong password');
    await expect(page.locator('div.error')).toContainText('Invalid password');

    await loginViaForm(page, username);
    await expect(page.locator('ul.flashes > li')).toHaveText('You were signed in');
    await expect(page).toHaveURL(/\/$/);
    await expect(page).toHaveTitle('My Timeline | MiniTwit');
    const session = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');

    // Signing in again issues a new session id and ends the old one.
    expect((await postForm(page.request, '/login', { username, password: PASSWORD })).status()).toBe(303);
    const renewed = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
    expect(renewed?.value).toBeTruthy();
    expect(renewed?.value).not.toBe(session?.value);

    await page.goto('/');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page.locator('ul.flashes > li')).toHaveText('You were signed out');
    await expect(page).toHaveURL(/\/public$/);
    await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();

    // Replaying either old cookie does not sign anyone in: the sessions are gone server-side.
    for (const old of [session, renewed]) {
      if (!old) throw new Error('no session cookie');
      await context.addCookies([{ ...old }]);
      await page.goto('/');
      await expect(page).toHaveURL(/\/public$/);
    }
  });

  test('repeated failed logins for one username are refused with 429 and Retry-After', async ({ page }) => {
    const username = uniqueName('throttle');
    await registerViaForm(page, username);
    // Signed out, as someone guessing would be (a signed-in browser is sent on from the sign-in page).
    await signOutViaForm(page);
    // Ten failures are the account's allowance (lib/server/auth-limits.ts).
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await postForm(page.request, '/login', { username, password: `guess ${attempt}` });
      expect(response.status()).toBe(400);
    }
    // Even the right password is refused while the account is locked.
    const refused = await postForm(page.request, '/login', { username, password: PASSWORD });
    expect(refused.status()).toBe(429);
    expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(60);
    expect(await refused.text()).toContain('Too many attempts');
    // The address is not locked by one account's failures: another user signs in.
    const other = uniqueName('unlocked');
    await registerViaForm(page, other);
    await signOutViaForm(page);
    await loginViaForm(page, other);
    await expect(page.locator('ul.flashes > li')).toHaveText('You were signed in');
  });
});

// On a slow connection a person types before the app's scripts arrive. Hydration used to reset the
// fields rendered with `value=`: the username vanished and the sign-in failed as "Invalid username"
// (it broke a deploy's smoke check on a loaded swarm). `defaultValue` leaves what was typed alone.
test('what is typed before the app hydrates is kept and signs up and in', async ({ page }) => {
  const username = uniqueName('early');
  await page.route('**/_app/**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  const typeBeforeHydration = async (path: string, fields: [label: string, value: string][]) => {
    await page.goto(path, { waitUntil: 'commit' });
    for (const [label, value] of fields) await page.getByLabel(label, { exact: true }).fill(value);
    // The check below is only worth something if the typing happened before the app took over.
    expect(await page.locator('html[data-hydrated]').count()).toBe(0);
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
    for (const [label, value] of fields) await expect(page.getByLabel(label, { exact: true })).toHaveValue(value);
  };

  await typeBeforeHydration('/register', [
    ['Username', username],
    ['E-Mail', `${username}@example.com`],
    ['Password', PASSWORD],
    ['Password (repeat)', PASSWORD],
  ]);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText('You were signed up and signed in');
  await signOutViaForm(page);

  await typeBeforeHydration('/login', [
    ['Username', username],
    ['Password', PASSWORD],
  ]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText('You were signed in');
});
