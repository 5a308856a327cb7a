import { type APIRequestContext, type Page, expect } from '@playwright/test';
import { BASE_URL } from '../base-url';

/** Names unique per run, so tests share one database without seeing each other's users. */
let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

export const PASSWORD = 'correct horse battery';

/** Opens `path` and waits until the app has hydrated (web/src/routes/+layout.svelte marks it). */
export async function gotoHydrated(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

/**
 * A form POST as the app's own pages send it (same Origin), for setting up
 * data fast; cookies are shared with the page's browser context.
 */
export async function postForm(request: APIRequestContext, path: string, form: Record<string, string>) {
  const response = await request.post(path, {
    form,
    headers: { Origin: BASE_URL, Accept: 'text/html' },
    maxRedirects: 0,
  });
  // Visit where it redirects, as a browser would: that takes the flash, so it does not show up on a later page.
  const location = response.headers().location;
  if (response.status() === 303 && location) await request.get(location);
  return response;
}

export async function registerViaForm(page: Page, username: string, email = `${username}@example.com`) {
  await gotoHydrated(page, '/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('E-Mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password (repeat)').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  // Signing up signs the new user in (issue 22, item 9).
  await expect(page.locator('ul.flashes > li')).toHaveText('You were signed up and signed in');
  await expect(page).toHaveTitle('My Timeline | MiniTwit');
}

export async function loginViaForm(page: Page, username: string, password = PASSWORD) {
  await gotoHydrated(page, '/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs out with the header's button, as a person would. */
export async function signOutViaForm(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.locator('ul.flashes > li')).toHaveText('You were signed out');
}

/** Registers (which signs in) through HTTP (fast); the page's context then carries the session. */
export async function signedInUser(page: Page, prefix: string, email?: string): Promise<string> {
  const username = uniqueName(prefix);
  const registered = await postForm(page.request, '/register', {
    username,
    email: email ?? `${username}@example.com`,
    password: PASSWORD,
    password2: PASSWORD,
  });
  // Registering signs the new user in (issue 22, item 9): the context now carries the session.
  expect(registered.status()).toBe(303);
  expect(registered.headers().location).toBe('/');
  return username;
}

/** Posts as the context's signed-in user through HTTP. */
export async function postMessage(request: APIRequestContext, text: string) {
  const response = await postForm(request, '/?/post', { text });
  expect(response.status()).toBe(303);
}

export const userPath = (username: string) => `/${encodeURIComponent(username)}`;

/** The texts of a timeline's messages, top to bottom. */
export function messageTexts(page: Page) {
  return page.locator('ul.messages > li .text').allTextContents();
}
