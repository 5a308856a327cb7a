/**
 * The browsers that watch the topology under load stand in for people on
 * their own machines, but here they share the host's two cores with the
 * deployment they watch. Left alone they win that contest: every container
 * sits in Docker's one cgroup (weight 1024 in all), while Chromium started as
 * root raises its browser and GPU processes to nice -8 (weight ~5,900 each)
 * and runs each page's renderer at nice 0 (1024 each) in the root group. With
 * four pages taking most of a core, the proxy and the replicas waited for the
 * CPU and a simulator request now and then took over 0.3 s.
 *
 * So Chromium runs in a cgroup of its own with a quarter of Docker's weight:
 * it still gets every cycle the deployment leaves idle, and the deployment is
 * served first, as it would be on hosts of its own. Where no cgroup can be
 * made (not root, no cpu controller), Chromium runs as before and that is
 * said on stderr.
 *
 * A quarter of one group, even on the four-host topology where each host's
 * containers have a group of their own: given a quarter of all four (1024),
 * Chromium's four pages took 0.85 of the two cores with nothing changing, the
 * deployment got 0.67 (0.99 before), and 75 % of the simulator's answers came
 * after 0.3 s (11 % before; issue 18, 2026-12-07). The browsers there are
 * starved instead, and each page reports how late its own timer ran
 * (live-load.ts), which is how much of its timing is its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { cpuGroup, removeCpuGroup } from './cpu-group';

const CHROMIUM = '/usr/bin/chromium';
const GROUP = 'minitwit-test-browsers';
/** A quarter of Docker's own group. */
const WEIGHT = { v1Shares: 256, v2Weight: 25 };

export interface ClientBrowser {
  browser: Browser;
  /** Closes the browser and removes the wrapper and the (then empty) cgroup. */
  close(): Promise<void>;
}

/** Chromium for the watching pages, in the low-weight cgroup where one can be made. */
export async function launchClientBrowser(): Promise<ClientBrowser> {
  const procs = cpuGroup(GROUP, WEIGHT);
  if (!procs)
    process.stderr.write(`client-browser: no cgroup for the browsers; Chromium competes with the deployment\n`);
  const wrapperDir = mkdtempSync(join(tmpdir(), 'client-browser-'));
  const wrapper = join(wrapperDir, 'chromium');
  // The shell joins the group, then becomes Chromium: every process Chromium starts stays in it.
  const joinGroup = procs ? `echo $$ > '${procs}'\n` : '';
  writeFileSync(wrapper, `#!/bin/sh\n${joinGroup}exec ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  const browser = await chromium.launch({
    executablePath: wrapper,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(wrapperDir, { recursive: true, force: true });
      if (procs) removeCpuGroup(procs);
    },
  };
}
