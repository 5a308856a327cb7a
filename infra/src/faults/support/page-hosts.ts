import type { PageSpec } from './live-pages';
import type { HostAnswer, HostRequest, PageRecord } from './page-host-process';
import { forkWorker } from './worker';

export type { PageRecord };

/**
 * Live pages spread over several processes, as browsers are spread over
 * machines. A thousand pages in the test's own event loop decode every live
 * message of every page (~14,000 a second at 20 posts/s): the loop was
 * 70-90 % busy before anything failed, and every page's reconnect timer,
 * handshake and catch-up waited in line behind the 999 others' work. What is
 * measured then is the test, not the product.
 */
export interface PageHosts {
  /** Opens more pages, spread evenly over the hosts; they are numbered on from the pages already open. */
  open(specs: readonly PageSpec[]): Promise<void>;
  /** How many pages are live right now. */
  live(): Promise<number>;
  /** What each page should end with (page i: `ids[i]`), for `missing`. */
  expect(ids: readonly number[][]): Promise<void>;
  /** Messages the pages still lack of what `expect` gave them. */
  missing(): Promise<number>;
  /** Every page's record, page i at index i. */
  records(): Promise<PageRecord[]>;
  stop(): Promise<void>;
}

export async function startPageHosts(count: number): Promise<PageHosts> {
  const hosts = await Promise.all(
    Array.from({ length: count }, () =>
      forkWorker<HostRequest, HostAnswer>(new URL('./page-host-process.ts', import.meta.url)),
    ),
  );
  const sum = async (request: HostRequest) =>
    (await Promise.all(hosts.map((host) => host.ask(request)))).reduce<number>((total, n) => total + Number(n), 0);
  let size = 0;
  return {
    async open(specs) {
      const shares = hosts.map(() => [] as Array<[number, PageSpec]>);
      specs.forEach((spec, k) => shares[(size + k) % hosts.length]!.push([size + k, spec]));
      size += specs.length;
      await Promise.all(hosts.map((host, k) => host.ask({ open: shares[k]! })));
    },
    live: () => sum({ count: 'live' }),
    async expect(ids) {
      const shares = hosts.map(() => [] as Array<[number, number[]]>);
      ids.forEach((list, index) => shares[index % hosts.length]!.push([index, list]));
      await Promise.all(hosts.map((host, k) => host.ask({ expect: shares[k]! })));
    },
    missing: () => sum({ count: 'missing' }),
    async records() {
      const all: PageRecord[] = new Array<PageRecord>(size);
      for (const host of hosts) {
        for (const [index, record] of (await host.ask({ snapshot: true })) as Array<[number, PageRecord]>) {
          all[index] = record;
        }
      }
      return all;
    },
    async stop() {
      await Promise.all(hosts.map((host) => host.stop({ stop: true })));
    },
  };
}
