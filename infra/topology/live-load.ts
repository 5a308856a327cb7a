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
 *     page after its 204 (a page whose server died shows it only once it is
 *     live again)
 *   - the longest any page was not live (its indicator off "live") before it
 *     was live again: how long a replica's death cost its pages
 * Exits 1 when any of those is non-zero or over its limit. The two timings are
 * judged as the Socket.IO pages measured them, and as the browser pages did
 * less the longest their own renderer's timer ran late: Chromium runs at a low
 * CPU weight here (client-browser.ts), and its timings are partly its own.
 * Usage: tsx infra/topology/live-load.ts <web-url> <api-url> <stop-file> [rate/s] [pages] [in-flight-allowed]
 *   [failures-allowed]
 */
import { existsSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { unflatten } from 'devalue';
import { type PageHosts, startPageHosts } from '../src/faults/support/page-hosts';
import { launchClientBrowser } from './client-browser';
import { joinCpuGroup, leaveCpuGroup } from './cpu-group';

const [webUrl, apiUrl, stopFile, rateArg = '10', pagesArg = '4', inFlightArg = '0', failuresArg = '0'] =
  process.argv.slice(2);
if (!webUrl || !apiUrl || !stopFile) {
  process.stderr.write(
    'usage: live-load.ts <web-url> <api-url> <stop-file> [rate/s] [pages] [in-flight-allowed] [failures-allowed]\n',
  );
  process.exit(2);
}
/**
 * This load and its page hosts stand for clients on machines of their own: they run in a CPU group
 * with four times the weight of a host's containers (cpu-group.ts says why), and take what they
 * need (about half a core at 100 posts/s and 40 pages) ahead of the deployment's waiting work.
 * Otherwise their timings would include their own waits for the CPU.
 */
const clientGroup = joinCpuGroup('minitwit-test-client', { v1Shares: 4096, v2Weight: 400 });
if (!clientGroup) process.stderr.write('live-load: no cgroup for the load; its timings include its waits for CPU\n');
const rate = Number(rateArg);
const totalPages = Number(pagesArg);
/**
 * How many of the pages are Chromium (LIVE_LOAD_BROWSERS, default all). The
 * rest are Socket.IO pages: the browser's own live-timeline client
 * (@minitwit/realtime/client) over a real connection through the proxy, in
 * two processes of their own (the fault harness's page hosts), without the
 * rendering. Forty Chromium pages took most of a core beside a four-host
 * deployment on these two cores, and every page then measured the browsers'
 * starvation, not the system.
 */
const pageCount = Math.min(totalPages, Number(process.env.LIVE_LOAD_BROWSERS ?? totalPages));
const socketPageCount = totalPages - pageCount;
/**
 * How many socket pages watch the public timeline (LIVE_LOAD_PUBLIC_PAGES, default all); the rest
 * watch the authors' pages in turn, as most people watch someone's timeline, not everyone's. A
 * public page gets every post (100 a second at 100 posts/s), an author's page its author's share:
 * 39 public pages made the proxy, the realtime servers and these pages decode 3,900 deliveries a
 * second, about half a core more than one page (multi-host, 2026-12-07 evening).
 */
const publicPageCount = Math.min(socketPageCount, Number(process.env.LIVE_LOAD_PUBLIC_PAGES ?? socketPageCount));
/** Requests a killed replica was serving that may fail fast (502), see `cutOff` below. */
const inFlightAllowed = Number(inFlightArg);
/**
 * Failed simulator requests tolerated (still counted and printed): a host
 * that vanishes takes the requests its replicas were serving with it, and
 * the proxies learn of it only when its connections time out. Never lost
 * writes, gaps or duplicates: those always fail the run.
 */
const failuresAllowed = Number(failuresArg);
/** The simulator's own timeout. */
const SIMULATOR_TIMEOUT_MS = 300;
/** How late a message may show on a page: a page whose server vanished must be live again within this. */
const LIVE_AGAIN_LIMIT_MS = 10_000;
const AUTH = { Authorization: `Basic ${Buffer.from('simulator:super_safe!').toString('base64')}` };

interface Sent {
  author: string;
  text: string;
  sentAt: number;
  status: number;
  ms: number;
  /** The start of an error answer's body: says who answered (the api's JSON, or the proxy's page). */
  said?: string;
}

/**
 * How long a post waits before it counts as unanswered (status 0, an error). Longer than the proxy's
 * own bound (nginx answers 504 itself once a replica took 5 s), so that what fails a run is an answer
 * the system gave or a request it never answered, not this process's own stalls: starved of CPU for
 * seconds, its 5 s timers fired before it read answers that had come (multi-host run 9: a stall of
 * 7.3 s, 923 posts "unanswered"). Every answer over the simulator's 0.3 s is still reported late.
 */
const UNANSWERED_AFTER_MS = 15_000;

async function api(path: string, init: RequestInit = {}, timeoutMs = UNANSWERED_AFTER_MS): Promise<Response> {
  return fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', Connection: 'close', ...AUTH, ...init.headers },
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** A read that checks the run (never a simulator request): retried, as a checker would, before it gives up. */
async function readBack(path: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await api(path, {}, 30_000);
      if (response.status === 200 || attempt === 5) return response;
    } catch (error) {
      if (attempt === 5) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/**
 * Runs in the page before its own scripts: records every timeline item the
 * page adds, with the time it appeared, and every change of its live
 * indicator (plain JavaScript: it runs in the browser). And the longest its
 * 250 ms timer ran late: a renderer starved of CPU shows messages late and
 * answers the heartbeat late, whatever the servers did.
 */
const WATCHER = `
  window.__seen = [];
  window.__status = [];
  window.__timerLate = 0;
  let lastTick = performance.now();
  setInterval(() => {
    const now = performance.now();
    window.__timerLate = Math.max(window.__timerLate, now - lastTick - 250);
    lastTick = now;
  }, 250);
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
  // Generous: forty pages open at once on two cores shared with the whole deployment.
  await page.locator('.live-status', { hasText: 'Live' }).waitFor({ timeout: 120_000 });
}

/**
 * Authors the posts go round (LIVE_LOAD_AUTHORS, default 1); page i watches
 * author i mod n. At 100 posts/s one author would put 100 messages a second
 * on each of 40 pages, more rendering than this machine's two cores can give
 * the browsers beside the deployment; spread over ten authors each page gets
 * ten a second, and the realtime servers still fan out all 100.
 */
const authorCount = Math.max(1, Number(process.env.LIVE_LOAD_AUTHORS ?? 1));
const runId = Date.now().toString(36);
const authors = Array.from({ length: authorCount }, (_, i) => `load${runId}${authorCount > 1 ? `x${i}` : ''}`);
for (const author of authors) {
  const registered = await api('/register', {
    method: 'POST',
    body: JSON.stringify({ username: author, email: `${author}@example.com`, pwd: 'load-password' }),
  });
  if (registered.status !== 204) throw new Error(`register ${author}: ${registered.status}`);
}

// Chromium at a lower CPU weight than the deployment (client-browser.ts says why).
const { browser, close: closeBrowser } = await launchClientBrowser();
const pages: Page[] = [];
// Opened a few at a time: forty one after another took most of a minute on these cores.
const OPENING_AT_ONCE = 8;
for (let first = 0; first < pageCount; first += OPENING_AT_ONCE) {
  const opening = Array.from({ length: Math.min(OPENING_AT_ONCE, pageCount - first) }, async () => {
    // One context per page: separate connections, as separate people.
    // Reduced motion: no 2 s "arrived" highlight repainting every new item (nothing here looks at it).
    const page = await (await browser.newContext({ reducedMotion: 'reduce' })).newPage();
    return page;
  });
  pages.push(...(await Promise.all(opening)));
}
const authorOf = (pageIndex: number) => authors[pageIndex % authors.length]!;
for (let first = 0; first < pageCount; first += OPENING_AT_ONCE) {
  await Promise.all(pages.slice(first, first + OPENING_AT_ONCE).map((page, k) => watch(page, authorOf(first + k))));
}
/** A page's own data, as SvelteKit's client loads it (`<path>/__data.json`, devalue). */
async function pageData<T>(path: string): Promise<T> {
  const response = await fetch(`${webUrl}${path}/__data.json`, { signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as { nodes: Array<{ type: string; data?: unknown[] } | null> };
  const node = body.nodes.at(-1);
  if (!node?.data) throw new Error(`no page data at ${webUrl}${path}/__data.json`);
  return unflatten(node.data) as T;
}
/** The public timeline's newest message id. */
async function newestPublicId(): Promise<number> {
  const data = await pageData<{ timeline: { messages: Array<{ id: number }> } }>('/public');
  return data.timeline.messages[0]?.id ?? 0;
}

/** A user's id (the simulator API names users, the live pages need ids). */
async function userIdOf(username: string): Promise<number> {
  return (await pageData<{ profile: { id: number } }>(`/${encodeURIComponent(username)}`)).profile.id;
}
/** The author socket page i watches, or undefined for a public page. */
const socketPageAuthor = (i: number) =>
  i < publicPageCount ? undefined : authors[(i - publicPageCount) % authors.length];

let socketPages: PageHosts | undefined;
/**
 * The public timeline's newest id when the socket pages opened: a browser
 * page was rendered with everything up to it. A resync may re-read from a
 * floor below it (a page resumes 2 s back, "No gaps"); the browser shows
 * those as the messages it already has, so they are not counted here either.
 */
let startId = 0;
if (socketPageCount > 0) {
  socketPages = await startPageHosts(2);
  startId = await newestPublicId();
  const authorIds = new Map<string, number>();
  for (const author of authors) authorIds.set(author, await userIdOf(author));
  await socketPages.open(
    Array.from({ length: socketPageCount }, (_, i) => ({
      url: webUrl,
      scope:
        i < publicPageCount
          ? { kind: 'public' as const }
          : { kind: 'user' as const, userId: authorIds.get(socketPageAuthor(i)!)! },
      startId,
      // The deploy's smoke checks post to the public timeline too: only this run's authors count.
      authorsStartingWith: `load${runId}`,
      timeTexts: true,
    })),
  );
  const liveBy = Date.now() + 120_000;
  while ((await socketPages.live()) < socketPageCount) {
    if (Date.now() > liveBy)
      throw new Error(`only ${await socketPages.live()} of ${socketPageCount} socket pages live`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
process.stderr.write(
  `live-load: ${pageCount} browser and ${socketPageCount} socket pages live (${publicPageCount} public) on ` +
    `${authors.length} author(s); ` +
    `posting ${rate}/s until ${stopFile} exists\n`,
);

const sent: Sent[] = [];
let seq = 0;
const started = Date.now();
/**
 * This process's own stalls: where its event loop ran a 250 ms timer more than a second late, it
 * sent nothing meanwhile and then sent the posts due all at once, and its timings include the
 * stall. Seconds after posting began, and how late.
 */
const loaderStalls: Array<{ at: number; lateMs: number }> = [];
let lastTick = performance.now();
const stallWatch = setInterval(() => {
  const now = performance.now();
  const late = now - lastTick - 250;
  if (late > 1_000) loaderStalls.push({ at: Math.round((Date.now() - started) / 100) / 10, lateMs: Math.round(late) });
  lastTick = now;
}, 250);
/**
 * One post, recorded when it is answered. Posts go out on schedule, not one
 * after another: at 100/s a slow answer would otherwise hold back every post
 * behind it and the rate would fall exactly when the system is under test.
 */
async function post(author: string, text: string): Promise<void> {
  const sentAt = Date.now();
  let status = 0;
  let said: string | undefined;
  try {
    const response = await api(`/msgs/${author}`, { method: 'POST', body: JSON.stringify({ content: text }) });
    status = response.status;
    if (status !== 204) said = (await response.text()).replace(/\s+/g, ' ').slice(0, 100);
  } catch {
    status = 0;
  }
  sent.push({ author, text, sentAt, status, ms: Date.now() - sentAt, ...(said === undefined ? {} : { said }) });
}
const posting: Promise<void>[] = [];
while (!existsSync(stopFile)) {
  const due = started + (seq * 1000) / rate;
  if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
  posting.push(post(authors[seq % authors.length]!, `m${++seq}`));
}
await Promise.all(posting);
clearInterval(stallWatch);
// In the order they were sent: the report's samples read in time order.
sent.sort((a, b) => a.sentAt - b.sentAt);

const acked = sent.filter((s) => s.status === 204);
// Let the last messages arrive (and any page that is reconnecting catch up) before judging.
const settleUntil = Date.now() + LIVE_AGAIN_LIMIT_MS + 5_000;
const ackedOf = (author: string) => acked.filter((s) => s.author === author);
for (const [index, page] of pages.entries()) {
  const last = ackedOf(authorOf(index)).at(-1)?.text;
  while (last && Date.now() < settleUntil && !(await seenOn(page)).some((s) => s.text === last)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const pageReports = [];
/**
 * How long after its 204 a message first showed on a page: a page cannot show a write before it
 * commits, and one that waited out a database failover was answered seconds after it was sent.
 * From the send too, for the record (the simulator's view of the whole trip).
 */
let slowestDeliveryMs = 0;
let slowestDeliveryFromSendMs = 0;
let longestNotLive = 0;
/**
 * The browser pages' timings net of their own renderer's lateness: Chromium
 * runs at a low CPU weight (client-browser.ts), and a renderer whose timer ran
 * seconds late showed messages and answered the heartbeat that much late
 * whatever the servers did. What is left over is the system's.
 */
let slowestBrowserDeliveryNetMs = 0;
let longestBrowserNotLiveNetMs = 0;
for (const [index, page] of pages.entries()) {
  const seen = await seenOn(page);
  const expected = ackedOf(authorOf(index));
  const changes = (await page.evaluate('window.__status')) as StatusChanges;
  const notLiveMs = longestNotLiveMs(changes, Date.now());
  longestNotLive = Math.max(longestNotLive, notLiveMs);
  const timerLateMs = Math.round((await page.evaluate('window.__timerLate')) as number);
  const counts = new Map<string, number>();
  const firstShown = new Map<string, number>();
  for (const { text, at } of seen) {
    counts.set(text, (counts.get(text) ?? 0) + 1);
    if (!firstShown.has(text)) firstShown.set(text, at);
  }
  const missing = expected.filter((s) => !counts.has(s.text)).map((s) => s.text);
  const duplicated = [...counts].filter(([text, n]) => n > 1 && text.startsWith('m')).map(([text]) => text);
  let pageSlowestDeliveryMs = 0;
  for (const s of expected) {
    const shownAt = firstShown.get(s.text);
    if (shownAt === undefined) continue;
    pageSlowestDeliveryMs = Math.max(pageSlowestDeliveryMs, shownAt - (s.sentAt + s.ms));
    slowestDeliveryFromSendMs = Math.max(slowestDeliveryFromSendMs, shownAt - s.sentAt);
  }
  slowestDeliveryMs = Math.max(slowestDeliveryMs, pageSlowestDeliveryMs);
  slowestBrowserDeliveryNetMs = Math.max(slowestBrowserDeliveryNetMs, pageSlowestDeliveryMs - timerLateMs);
  longestBrowserNotLiveNetMs = Math.max(longestBrowserNotLiveNetMs, notLiveMs - timerLateMs);
  pageReports.push({
    missing: missing.length,
    duplicated: duplicated.length,
    firstMissing: missing.slice(0, 5),
    longestNotLiveMs: notLiveMs,
    slowestDeliveryMs: pageSlowestDeliveryMs,
    timerLateMs,
    // Where a page was slow to be live again: each status it showed, seconds after posting began.
    ...(notLiveMs > LIVE_AGAIN_LIMIT_MS / 2 || missing.length > 0
      ? { statusTrail: changes.map(({ status, at }) => `${status}@${((at - started) / 1000).toFixed(1)}`).join(' ') }
      : {}),
  });
}

// The API's largest page (MAX_NO, 10,000) per author: a run posts at most a few thousand to each.
const storedTexts = new Set<string>();
const storedBy = new Map<string, Set<string>>();
for (const author of authors) {
  const stored = await readBack(`/msgs/${author}?no=10000`);
  if (stored.status !== 200)
    throw new Error(`reading back ${author}'s messages: ${stored.status} ${await stored.text()}`);
  const texts = new Set(((await stored.json()) as { content: string }[]).map((m) => m.content));
  storedBy.set(author, texts);
  for (const text of texts) storedTexts.add(text);
}
const lost = acked.filter((s) => !storedTexts.has(s.text)).length;

/**
 * The socket pages watch the public timeline or an author's from the public
 * timeline's newest id when they opened, and only this run's authors count:
 * each must end with exactly as many distinct messages as this run stored in
 * its scope (acknowledged or not), none twice.
 */
const socketReports: Array<{ missing: number; duplicated: number; longestNotLiveMs: number }> = [];
/** How long after its 204 a message reached a socket page, the slowest over every page and message. */
let slowestSocketDeliveryMs = 0;
/** For each stored message some socket page never showed: on how many pages it is missing. */
const pagesMissing = new Map<string, number>();
if (socketPages) {
  const expectedOf = (index: number) => {
    const author = socketPageAuthor(index);
    return author === undefined ? storedTexts : storedBy.get(author)!;
  };
  const tally = (received: number[]) => {
    const since = received.filter((id) => id > startId);
    return { distinct: new Set(since).size, total: since.length };
  };
  let records = await socketPages.records();
  while (Date.now() < settleUntil && records.some((r, i) => tally(r.received).distinct < expectedOf(i).size)) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    records = await socketPages.records();
  }
  for (const [index, record] of records.entries()) {
    const expected = expectedOf(index);
    const { distinct, total } = tally(record.received);
    const notLiveMs = longestNotLiveMs(record.statuses, Date.now());
    longestNotLive = Math.max(longestNotLive, notLiveMs);
    const arrivedAt = new Map(record.textsArrived);
    for (const s of acked) {
      if (!expected.has(s.text)) continue;
      const at = arrivedAt.get(s.text);
      if (at !== undefined) slowestSocketDeliveryMs = Math.max(slowestSocketDeliveryMs, at - (s.sentAt + s.ms));
    }
    socketReports.push({
      missing: expected.size - distinct,
      duplicated: total - distinct,
      longestNotLiveMs: notLiveMs,
    });
    for (const text of expected) if (!arrivedAt.has(text)) pagesMissing.set(text, (pagesMissing.get(text) ?? 0) + 1);
  }
  await socketPages.stop();
}
/**
 * The stored messages some socket page never showed (the first few, in the order sent): how its
 * post was answered and when it was sent, to set beside the servers' logs.
 */
const missingOnSocketPages = sent
  .filter((s) => pagesMissing.has(s.text))
  .slice(0, 5)
  .map((s) => ({
    text: s.text,
    pages: pagesMissing.get(s.text),
    status: s.status,
    ms: s.ms,
    sentAt: Math.round((s.sentAt - started) / 100) / 10,
  }));
/**
 * A replica SIGKILLed while serving a POST: the proxy has sent the request and
 * cannot know whether it was applied, so it does not send it again (a second
 * message would be a duplicate) and answers 502 at once. Where the scenario
 * kills a replica it allows that many such answers, each fast and never
 * acknowledged; whether the write landed anyway is reported.
 */
/**
 * The longest the simulator went without an acknowledged write: between two consecutive 204
 * answers, in the order they were answered. A database failover's write outage as users see it,
 * measured where it is felt (a poll of the database nodes through the managers lags by seconds).
 */
function longestWriteGap(answers: Sent[]): { ms: number; endedAt: number } {
  const answeredAt = answers.map((s) => s.sentAt + s.ms).sort((a, b) => a - b);
  let gap = { ms: 0, endedAt: 0 };
  for (let i = 1; i < answeredAt.length; i++) {
    const ms = answeredAt[i]! - answeredAt[i - 1]!;
    // Where it ended, in seconds after posting began (to set beside loaderStalls and the logs).
    if (ms > gap.ms) gap = { ms, endedAt: Math.round((answeredAt[i]! - started) / 100) / 10 };
  }
  return gap;
}
const writeGap = longestWriteGap(acked);
const cutOff = sent.filter((s) => s.status === 502 && s.ms <= SIMULATOR_TIMEOUT_MS).slice(0, inFlightAllowed);
const failed = sent.filter((s) => (s.status !== 204 || s.ms > SIMULATOR_TIMEOUT_MS) && !cutOff.includes(s));
const report = {
  requests: sent.length,
  failed: failed.length,
  cutOffInFlight: cutOff.map(({ text, ms }) => ({ text, ms, stored: storedTexts.has(text) })),
  failedSample: failed.slice(0, 5).map(({ text, status, ms }) => ({ text, status, ms })),
  // What the failed ones were: a late 204 is a speed target; 0 (no answer within 15 s), 502 or 503 are errors.
  failedByStatus: failed.reduce<Record<number, number>>((counts, s) => {
    counts[s.status] = (counts[s.status] ?? 0) + 1;
    return counts;
  }, {}),
  // Who gave the error answers, by what they said: the api (its JSON error) or the proxy in front.
  errorAnswers: sent.reduce<Record<string, number>>((counts, s) => {
    if (s.said !== undefined) counts[`${s.status} ${s.said}`] = (counts[`${s.status} ${s.said}`] ?? 0) + 1;
    return counts;
  }, {}),
  // When they came: seconds after posting began (by send time) and how many error answers in each.
  errorsAt: sent.reduce<Record<string, number>>((counts, s) => {
    if (s.status === 204) return counts;
    const second = String(Math.floor((s.sentAt - started) / 1000));
    counts[second] = (counts[second] ?? 0) + 1;
    return counts;
  }, {}),
  slowestRequestMs: Math.max(0, ...sent.map((s) => s.ms)),
  longestWriteGapMs: writeGap.ms,
  longestWriteGapEndedAt: writeGap.endedAt,
  acknowledged: acked.length,
  lost,
  pages: pageReports,
  socketPages: socketReports.length
    ? {
        count: socketReports.length,
        missing: socketReports.reduce((sum, r) => sum + Math.max(0, r.missing), 0),
        duplicated: socketReports.reduce((sum, r) => sum + r.duplicated, 0),
        // Which pages missed how many: the same few on every page is a message never published
        // (its api replica vanished between answer and publish); a group of pages, one server's.
        ...(socketReports.some((r) => r.missing > 0) ? { missingByPage: socketReports.map((r) => r.missing) } : {}),
        ...(missingOnSocketPages.length > 0 ? { missingMessages: missingOnSocketPages } : {}),
        // More distinct messages than this run stored: a page shown someone else's (it fails the run too).
        ...(socketReports.some((r) => r.missing < 0)
          ? { extraByPage: socketReports.map((r) => Math.max(0, -r.missing)) }
          : {}),
        longestNotLiveMs: Math.max(...socketReports.map((r) => r.longestNotLiveMs)),
      }
    : undefined,
  // The socket pages' timings are the system's: they run at full CPU weight.
  slowestSocketDeliveryMs,
  // The browser pages' as measured, and net of each page's own timer lateness (judged on these).
  slowestDeliveryMs,
  slowestDeliveryFromSendMs,
  slowestBrowserDeliveryNetMs,
  longestBrowserNotLiveNetMs,
  longestNotLiveMs: longestNotLive,
  loaderStalls,
};
const socketNotLiveMs = Math.max(0, ...socketReports.map((r) => r.longestNotLiveMs));
const complete =
  lost === 0 &&
  pageReports.every((p) => p.missing === 0 && p.duplicated === 0) &&
  socketReports.every((p) => p.missing === 0 && p.duplicated === 0) &&
  slowestSocketDeliveryMs <= LIVE_AGAIN_LIMIT_MS &&
  socketNotLiveMs <= LIVE_AGAIN_LIMIT_MS &&
  slowestBrowserDeliveryNetMs <= LIVE_AGAIN_LIMIT_MS &&
  longestBrowserNotLiveNetMs <= LIVE_AGAIN_LIMIT_MS;
// The only defect is answers that came late (each a 204): run.sh then runs the scenario once more.
const lateOnly = complete && failed.length > 0 && failed.every((s) => s.status === 204);
process.stdout.write(`${JSON.stringify({ ...report, lateOnly })}\n`);
await closeBrowser();
if (clientGroup) leaveCpuGroup(clientGroup);
process.exit(complete && report.failed <= failuresAllowed ? 0 : 1);
