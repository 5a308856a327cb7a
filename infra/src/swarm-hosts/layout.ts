import { join } from 'node:path';
import { defineTestNetwork } from '../test-network/network';

/**
 * Where the multi-host swarm lives on this machine. Every name is fixed, so
 * `npm run swarm:hosts -- down` (and every `up`, first) finds and removes
 * what an earlier run left, even after a crash.
 *
 *   hosts     node-1 … node-N: network namespaces mtsw-node-<i> on bridge
 *             mtsw0br, addresses 10.231.40.11, .12, …; each runs its own
 *             dockerd (and the containerd it starts) with the hostname
 *             mtsw-node-<i> in its own UTS namespace
 *   registry  the bridge's own address, 10.231.40.1:5000 (plain HTTP on the
 *             test network: every daemon lists it as an insecure registry);
 *             the build machine's engine pushes through 127.0.0.1:5000
 *   names     a name server on the bridge's address, port 53, that every
 *             daemon passes names it does not know to (name-server.ts)
 *   state     data roots under STATE_DIR (images, volumes, the raft log),
 *             sockets, pid files and exec roots under RUN_DIR
 */
export const network = defineTestNetwork({
  bridge: 'mtsw0br',
  subnet: '10.231.40',
  namespacePrefix: 'mtsw-',
  linkPrefix: 'mtsw0n',
  hostName: (index) => `node-${index}`,
});

export const STATE_DIR = '/var/tmp/minitwit-swarm';
export const RUN_DIR = '/run/minitwit-swarm';
export const REGISTRY_PORT = 5000;
/** The registry as the swarm's hosts name it (image references in the stack use this). */
export const REGISTRY = `${network.bridgeAddress}:${REGISTRY_PORT}`;
/** The same registry as the build machine's engine reaches it (loopback is insecure-by-default for Docker). */
export const REGISTRY_FROM_BUILDER = `127.0.0.1:${REGISTRY_PORT}`;
/** Overlay subnets come from here, away from the hosts' 10.231.x test networks. */
export const ADDRESS_POOL = '10.233.0.0/16';

export interface HostPaths {
  socket: string;
  pidFile: string;
  execRoot: string;
  dataRoot: string;
  log: string;
  /** Every container of this host runs under this cgroup: a "dead host" kills them all. */
  cgroupParent: string;
}

export function hostPaths(name: string): HostPaths {
  return {
    socket: join(RUN_DIR, name, 'docker.sock'),
    pidFile: join(RUN_DIR, name, 'docker.pid'),
    execRoot: join(RUN_DIR, name, 'exec'),
    dataRoot: join(STATE_DIR, name, 'docker'),
    log: join(STATE_DIR, name, 'dockerd.log'),
    cgroupParent: `/minitwit-swarm-${name}`,
  };
}

export const registryPaths = {
  config: join(STATE_DIR, 'registry', 'config.yml'),
  storage: join(STATE_DIR, 'registry', 'storage'),
  log: join(STATE_DIR, 'registry', 'registry.log'),
  pidFile: join(RUN_DIR, 'registry.pid'),
  forwarderPidFile: join(RUN_DIR, 'registry-forwarder.pid'),
};

/** The test network's name server (name-server.ts), on the bridge's own address. */
export const NAME_SERVER = network.bridgeAddress;
export const nameServerPaths = {
  log: join(STATE_DIR, 'name-server.log'),
  pidFile: join(RUN_DIR, 'name-server.pid'),
};
