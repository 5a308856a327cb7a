import { type LivePage, type PageSpec, comparePage, isLive, openPage } from './live-pages';
import { serveParent } from './worker';

/**
 * A share of the live pages in a process of its own, started by
 * `startPageHosts` (page-hosts.ts says why). It opens pages when told to,
 * answers counts and, at the end, every page's record; it ends when told to
 * or when its parent goes away.
 */
export type HostRequest =
  | { open: Array<[number, PageSpec]> }
  | { expect: Array<[number, number[]]> }
  | { count: 'live' | 'missing' }
  | { snapshot: true }
  | { stop: true };
export type PageRecord = Omit<LivePage, 'stop' | 'arrivedAt'>;
export type HostAnswer = number | Array<[number, PageRecord]> | null;

const pages = new Map<number, LivePage>();
const expected = new Map<number, number[]>();

const answer = (request: HostRequest): HostAnswer => {
  if ('open' in request) {
    for (const [index, spec] of request.open) pages.set(index, openPage(spec));
    return null;
  }
  if ('expect' in request) {
    for (const [index, ids] of request.expect) expected.set(index, ids);
    return null;
  }
  if ('count' in request) {
    let count = 0;
    for (const [index, page] of pages) {
      count += request.count === 'live' ? Number(isLive(page)) : comparePage(page, expected.get(index) ?? []).missing;
    }
    return count;
  }
  if ('snapshot' in request) {
    return [...pages].map(([index, { stop: _stop, arrivedAt: _arrivedAt, ...record }]) => [index, record]);
  }
  for (const page of pages.values()) page.stop();
  return null;
};

serveParent(answer, (request) => 'stop' in request);
