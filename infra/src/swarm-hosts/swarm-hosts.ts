import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import type { TestHost } from '../test-network/network';
import { removeDaemon, startDaemon, unmountUnder } from './daemons';
import { network, RUN_DIR, STATE_DIR } from './layout';
import { startNameServer, stopNameServer } from './name-server';
import { startRegistry, stopRegistry } from './registry';
import { formSwarm } from './swarm';

export interface SwarmHostsOptions {
  /** How many hosts (default 4: three managers and a worker). */
  hosts?: number;
  /** How many of them are managers (default 3: a raft quorum that survives one loss). */
  managers?: number;
}

/**
 * Makes the swarm's hosts from nothing (removing whatever an earlier run
 * left first): the test network, the registry, its name server, one dockerd per host, one
 * swarm with its managers and labels. Returns the hosts; their engines stay
 * up after this process ends, until `removeSwarmHosts()`.
 */
export async function createSwarmHosts(options: SwarmHostsOptions = {}): Promise<TestHost[]> {
  const count = options.hosts ?? 4;
  const managers = Math.min(options.managers ?? 3, count);
  await removeSwarmHosts();
  const hosts = await network.create(count);
  await startRegistry();
  await startNameServer();
  // One at a time: each daemon's first start sets up its own iptables chains and bridges.
  for (const host of hosts) await startDaemon(host);
  await formSwarm(hosts, managers);
  return hosts;
}

/** Names of hosts that an earlier run left anything of (directories or namespaces). */
async function leftoverHosts(): Promise<Map<string, string | undefined>> {
  const left = new Map<string, string | undefined>();
  for (const dir of [RUN_DIR, STATE_DIR]) {
    for (const entry of await readdir(dir).catch(() => [] as string[])) {
      if (entry.startsWith('node-')) left.set(entry, undefined);
    }
  }
  const list = await new Promise<string>((resolve) =>
    execFile('ip', ['netns', 'list'], (error, stdout) => resolve(error ? '' : stdout)),
  );
  for (const line of list.split('\n')) {
    const namespace = line.split(' ')[0];
    if (namespace?.startsWith('mtsw-')) left.set(namespace.slice('mtsw-'.length), namespace);
  }
  return left;
}

/** Removes everything the swarm's hosts are made of; safe to run at any time, any number of times. */
export async function removeSwarmHosts(): Promise<void> {
  // All at once: each daemon waits for its containers' grace periods.
  await Promise.all([...(await leftoverHosts())].map(([name, namespace]) => removeDaemon(name, namespace)));
  await stopRegistry();
  await stopNameServer();
  await network.remove();
  await unmountUnder([RUN_DIR, STATE_DIR]);
  await rm(RUN_DIR, { recursive: true, force: true });
  await rm(STATE_DIR, { recursive: true, force: true });
}
