/**
 * Live load for the topology tests (infra/topology/run.sh): while the
 * deployment is changed under it (rolling update, scaling, a killed or
 * frozen replica), posts through the proxy's simulator API at a steady rate
 * and watches the author's page in real browsers. When the stop file
 * appears it checks, and prints one JSON line of figures:
 *   - failed simulator requests (not 204, or slower than the simulator's 0.3 s)
 *   - acknowledged writes missing from the database (asked through the API)
 *   - per page: acknowledged messages never shown live (gaps) and shown twice
 *   - the slowest API request, and the longest a message took to show on a
 *     page (a page whose server died shows it only once it is live again)
 *   - the longest any page was not live (its indicator off "live") before it
 *     was live again: how long a replica's death cost its pages
 * Exits 1 when any of those is non-zero or over its limit.
 * Usage: tsx infra/topology/live-load.ts <web-url> <api-url> <stop-file> [rate/s] [pages] [in-flight-allowed]
 */
import { existsSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { launchClientBrowser } from './client-browser';

const [webUrl, apiUrl, stopFile, rateArg = '10', pagesArg = '4', inFlightArg = '0'] = process.argv.slice(2);
if (!webUrl || !apiUrl || !stopFile) {
  process.stderr.write('usage: live-load.ts <web-url> <api-url> <stop-file> [rate/s] [pages] [in-flight-allowed]\n');
  process.exit(2);
}
const rate = Number(rateArg);
const pageCount = Number(pagesArg);
/** Requests a killed replica was serving that may fail fast (502), see `cutOff` below. */
const inFlightAllowed = Number(inFlightArg);
/** The simulator's own timeout. */
const SIMULATOR_TIMEOUT_MS = 300;
/** How late a message may show on a page: a page whose server vanished must be live again within this. */
const LIVE_AGAIN_LIMIT_MS = 10_000;
const AUTH = { Authorization: `Basic ${Buffer.from('simulator:super_safe!').toString('base64')}` };

interface Sent {
  text: string;
  sentAt: number;
  status: number;
  ms: number;
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', Connection: 'close', ...AUTH, ...init.headers },
    signal: AbortSignal.timeout(5_000),
  });
}

/**
 * Runs in the page before its own scripts: records every timeline item the
 * page adds, with the time it appeared, and every change of its live
 * indicator (plain JavaScript: it runs in the browser).
 */
const WATCHER = `
  window.__seen = [];
  window.__status = [];
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') {
        window.__status.push({ status: record.target.getAttribute('data-status'), at: Date.now() });
        continue;
      }
      for (const node of record.addedNodes) {
        if (!(node instanceof HTMLElement)) continue;
        for (const item of node.matches('li') ? [node] : node.querySelectorAll('li'))
          window.__seen.push({ text: item.querySelector('.text')?.textContent ?? '', at: Date.now() });
      }
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-status'] });
`;

type Seen = { text: string; at: number }[];
const seenOn = async (page: Page) => (await page.evaluate('window.__seen')) as Seen;
type StatusChanges = { status: string; at: number }[];

/** The longest stretch a page was not live, from leaving "live" until it was live again (or until now). */
function longestNotLiveMs(changes: StatusChanges, now: number): number {
  let longest = 0;
  let since: number | undefined;
  let wasLive = false;
  for (const { status, at } of changes) {
    if (status === 'live') {
      if (since !== undefined) longest = Math.max(longest, at - since);
      since = undefined;
      wasLive = true;
    } else if (wasLive && since === undefined) since = at;
  }
  return since === undefined ? longest : Math.max(longest, now - since);
}

async function watch(page: Page, author: string): Promise<void> {
  await page.addInitScript({ content: WATCHER });
  await page.goto(`${webUrl}/${encodeURIComponent(author)}`);
  await page.locator('.live-status', { hasText: 'Live' }).waitFor({ timeout: 30_000 });
}

const author = `load${Date.now().toString(36)}`;
const registered = await api('/register', {
  method: 'POST',
  body: JSON.stringify({ username: author, email: `${author}@example.com`, pwd: 'load-password' }),
});
if (registered.status !== 204) throw new Error(`register ${author}: ${registered.status}`);

// Chromium at a lower CPU weight than the deployment (client-browser.ts says why).
const { browser, close: closeBrowser } = await launchClientBrowser();
const pages: Page[] = [];
for (let n = 0; n < pageCount; n++) {
  // One context per page: separate connections, as separate people.
  // Reduced motion: no 2 s "arrived" highlight repainting every new item (nothing here looks at it).
  const page = await (await browser.newContext({ reducedMotion: 'reduce' })).newPage();
  await watch(page, author);
  pages.push(page);
}
process.stderr.write(`live-load: ${pageCount} pages live on ${author}; posting ${rate}/s until ${stopFile} exists\n`);

const sent: Sent[] = [];
let seq = 0;
const started = Date.now();
while (!existsSync(stopFile)) {
  const due = started + (seq * 1000) / rate;
  if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
  const text = `m${++seq}`;
  const sentAt = Date.now();
  let status = 0;
  try {
    status = (await api(`/msgs/${author}`, { method: 'POST', body: JSON.stringify({ content: text }) })).status;
  } catch {
    status = 0;
  }
  sent.push({ text, sentAt, status, ms: Date.now() - sentAt });
}

const acked = sent.filter((s) => s.status === 204);
// Let the last messages arrive (and any page that is reconnecting catch up) before judging.
const settleUntil = Date.now() + LIVE_AGAIN_LIMIT_MS + 5_000;
for (const page of pages) {
  const last = acked.at(-1)?.text;
  while (last && Date.now() < settleUntil && !(await seenOn(page)).some((s) => s.text === last)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const pageReports = [];
let slowestDeliveryMs = 0;
let longestNotLive = 0;
for (const page of pages) {
  const seen = await seenOn(page);
  const changes = (await page.evaluate('window.__status')) as StatusChanges;
  const notLiveMs = longestNotLiveMs(changes, Date.now());
  longestNotLive = Math.max(longestNotLive, notLiveMs);
  const counts = new Map<string, number>();
  for (const { text } of seen) counts.set(text, (counts.get(text) ?? 0) + 1);
  const missing = acked.filter((s) => !counts.has(s.text)).map((s) => s.text);
  const duplicated = [...counts].filter(([text, n]) => n > 1 && text.startsWith('m')).map(([text]) => text);
  for (const s of acked) {
    const shown = seen.find((x) => x.text === s.text);
    if (shown) slowestDeliveryMs = Math.max(slowestDeliveryMs, shown.at - s.sentAt);
  }
  pageReports.push({
    missing: missing.length,
    duplicated: duplicated.length,
    firstMissing: missing.slice(0, 5),
    longestNotLiveMs: notLiveMs,
    // Where a page was slow to be live again: each status it showed, seconds after posting began.
    ...(notLiveMs > LIVE_AGAIN_LIMIT_MS / 2 || missing.length > 0
      ? { statusTrail: changes.map(({ status, at }) => `${status}@${((at - started) / 1000).toFixed(1)}`).join(' ') }
      : {}),
  });
}

// The API's largest page (MAX_NO, 10,000): a run posts a few thousand at most.
const stored = await api(`/msgs/${author}?no=10000`);
if (stored.status !== 200)
  throw new Error(`reading back ${author}'s messages: ${stored.status} ${await stored.text()}`);
const storedTexts = new Set(((await stored.json()) as { content: string }[]).map((m) => m.content));
const lost = acked.filter((s) => !storedTexts.has(s.text)).length;
/**
 * A replica SIGKILLed while serving a POST: the proxy has sent the request and
 * cannot know whether it was applied, so it does not send it again (a second
 * message would be a duplicate) and answers 502 at once. Where the scenario
 * kills a replica it allows that many such answers, each fast and never
 * acknowledged; whether the write landed anyway is reported.
 */
const cutOff = sent.filter((s) => s.status === 502 && s.ms <= SIMULATOR_TIMEOUT_MS).slice(0, inFlightAllowed);
const failed = sent.filter((s) => (s.status !== 204 || s.ms > SIMULATOR_TIMEOUT_MS) && !cutOff.includes(s));
const report = {
  requests: sent.length,
  failed: failed.length,
  cutOffInFlight: cutOff.map(({ text, ms }) => ({ text, ms, stored: storedTexts.has(text) })),
  failedSample: failed.slice(0, 5).map(({ text, status, ms }) => ({ text, status, ms })),
  slowestRequestMs: Math.max(0, ...sent.map((s) => s.ms)),
  acknowledged: acked.length,
  lost,
  pages: pageReports,
  slowestDeliveryMs,
  longestNotLiveMs: longestNotLive,
};
const complete =
  lost === 0 &&
  pageReports.every((p) => p.missing === 0 && p.duplicated === 0) &&
  slowestDeliveryMs <= LIVE_AGAIN_LIMIT_MS &&
  longestNotLive <= LIVE_AGAIN_LIMIT_MS;
// The only defect is answers that came late (each a 204): run.sh then runs the scenario once more.
const lateOnly = complete && failed.length > 0 && failed.every((s) => s.status === 204);
process.stdout.write(`${JSON.stringify({ ...report, lateOnly })}\n`);
await closeBrowser();
process.exit(complete && report.failed === 0 ? 0 : 1);
