import { type APIRequestContext, type Page, type WebSocketRoute, expect } from '@playwright/test';
import { API_URL } from '../base-url';

/** The simulator's credentials (SPEC §3): `simulator:super_safe!`. */
const SIMULATOR_AUTH = { Authorization: 'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' };

/** Registers a user through the simulator API, with its credentials as the simulator sends them (so never limited). */
export async function apiRegister(request: APIRequestContext, username: string, api = API_URL) {
  const response = await request.post(`${api}/register`, {
    data: { username, email: `${username}@example.com`, pwd: 'api-password' },
    headers: SIMULATOR_AUTH,
  });
  expect(response.status()).toBe(204);
}

/** Posts as `username` through the simulator API, as the course simulator does. */
export async function apiPost(request: APIRequestContext, username: string, content: string, api = API_URL) {
  const response = await request.post(`${api}/msgs/${encodeURIComponent(username)}`, {
    data: { content },
    headers: SIMULATOR_AUTH,
  });
  expect(response.status()).toBe(204);
}

/** The timeline's items as the reader sees them. */
export const timelineItems = (page: Page) => page.locator('ul.messages > li');

/** One message's item, found by its exact text. */
export const itemWithText = (page: Page, text: string) =>
  timelineItems(page).filter({ has: page.locator('.text', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });

/** Waits until the page says its live connection is up, i.e. it is subscribed and new messages will arrive. */
export async function expectLive(page: Page) {
  await expect(page.locator('.live-status')).toHaveText('Live');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Routes the page's Socket.IO connections through Playwright so a test can
 * cut them and keep them down (the page's reconnect attempts are refused)
 * until it restores them. Must be set up before the page connects.
 */
export async function cuttableLiveConnection(page: Page) {
  let down = false;
  const open = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (down) {
      void ws.close();
      return;
    }
    open.add(ws);
    ws.connectToServer();
  });
  return {
    async cut() {
      down = true;
      // Closing the page's side closes the server's too: to both it looks like a dropped network.
      await Promise.all([...open].map((ws) => ws.close()));
      open.clear();
    },
    restore() {
      down = false;
    },
  };
}
