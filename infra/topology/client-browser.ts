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
 * So Chromium runs in a cgroup of its own with a quarter of the deployment's
 * weight: it still gets every cycle the deployment leaves idle, and the
 * deployment is served first, as it would be on hosts of its own. The
 * deployment is every group beside it that runs a container: Docker's own,
 * and on the multi-host topology each test host's (infra/src/swarm-hosts
 * gives each host's containers a group of its own). A quarter of one
 * group's weight there, against four hosts', left Chromium 1/17 of the
 * cores under load: its pages answered the 2 s heartbeat late and were cut
 * off, and showed messages up to 19 s after their 204 while the Socket.IO
 * pages were live (issue 18, 2026-12-07). Where no cgroup can be made (not
 * root, no cpu controller), Chromium runs as before and that is said on
 * stderr.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';

const CHROMIUM = '/usr/bin/chromium';
const GROUP = 'minitwit-test-browsers';
/** The groups the deployment's containers run under: Docker's own and each test host's. */
const DEPLOYMENT_GROUP = /^(docker|minitwit-swarm-.+)$/;

/**
 * A quarter of the summed weight of the deployment's groups at `root` that
 * hold a container (a subgroup); `unit`, one group's default, when none does.
 */
export function quarterOfDeployment(root: string, file: string, unit: number, min: number): string {
  let total = 0;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || !DEPLOYMENT_GROUP.test(entry.name)) continue;
    const dir = join(root, entry.name);
    const holdsContainer = readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory());
    if (holdsContainer) total += Number(readFileSync(join(dir, file), 'utf8').trim()) || unit;
  }
  return String(Math.max(min, Math.round((total || unit) / 4)));
}

/** Makes the cgroup (v1 cpu controller, else v2 with cpu enabled); its cgroup.procs path, or undefined. */
function lowWeightCgroup(): string | undefined {
  const candidates = [
    // cgroup v1 shares: 1024 a group by default, 2 the least.
    { root: '/sys/fs/cgroup/cpu', file: 'cpu.shares', unit: 1024, min: 2, ready: 'cpu.shares' },
    // cgroup v2 weight: 100 a group by default, 1 the least.
    { root: '/sys/fs/cgroup', file: 'cpu.weight', unit: 100, min: 1, ready: 'cgroup.subtree_control' },
  ];
  for (const { root, file, unit, min, ready } of candidates) {
    if (!existsSync(join(root, ready))) continue;
    try {
      const dir = join(root, GROUP);
      mkdirSync(dir, { recursive: true });
      const weight = quarterOfDeployment(root, file, unit, min);
      writeFileSync(join(dir, file), weight);
      process.stderr.write(`client-browser: Chromium at ${file} ${weight}, a quarter of the deployment's\n`);
      return join(dir, 'cgroup.procs');
    } catch {
      // Not root, or no cpu controller in this hierarchy: try the next.
    }
  }
  return undefined;
}

export interface ClientBrowser {
  browser: Browser;
  /** Closes the browser and removes the wrapper and the (then empty) cgroup. */
  close(): Promise<void>;
}

/** Chromium for the watching pages, in the low-weight cgroup where one can be made. */
export async function launchClientBrowser(): Promise<ClientBrowser> {
  const procs = lowWeightCgroup();
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
      if (procs) {
        try {
          rmdirSync(join(procs, '..'));
        } catch {
          // A process of it is still exiting; the empty group is harmless and reused next time.
        }
      }
    },
  };
}
