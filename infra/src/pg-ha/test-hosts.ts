import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Test hosts on this machine: each is a network namespace with its own
 * address, linked by a veth pair to one Linux bridge whose own address is the
 * "host" side (where etcd, HAProxy and the backup host listen). Cutting a
 * host's link is a real network partition: its processes keep running, but
 * nothing reaches them and they reach nothing. Needs root and iproute2.
 *
 * Names are fixed per instance (MINITWIT_PGHA_INSTANCE, 0-9, default 0: one
 * cluster per instance at a time; the database scenarios run one after
 * another), so `removeTestHosts()` can clean up after a run that crashed: it
 * is called before every `createTestHosts()`. Another instance number lets a
 * second cluster run beside the first (a benchmark while a test runs).
 */
const INSTANCE = Number(process.env.MINITWIT_PGHA_INSTANCE ?? '0');
if (!Number.isInteger(INSTANCE) || INSTANCE < 0 || INSTANCE > 9) {
  throw new Error('MINITWIT_PGHA_INSTANCE must be a digit');
}
export const BRIDGE = `mtpg${INSTANCE}br`;
export const SUBNET = `10.231.${17 + INSTANCE}`;
export const BRIDGE_ADDRESS = `${SUBNET}.1`;
const NAMESPACE_PREFIX = `mtpg${INSTANCE}-`;

export interface TestHost {
  name: string;
  /** The namespace's name (`ip netns`). */
  namespace: string;
  address: string;
  /** The host side of its veth pair, on the bridge: setting it down cuts the host off. */
  link: string;
}

async function sh(command: string, args: string[]): Promise<string> {
  return (await run(command, args)).stdout;
}

async function quiet(command: string, args: string[]): Promise<void> {
  await run(command, args).catch(() => undefined);
}

/** Whether this machine can make test hosts: root, `ip` and `iptables`. */
export async function canMakeTestHosts(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root (network namespaces need root)';
  try {
    await sh('ip', ['-V']);
  } catch {
    return 'iproute2 (`ip`) is not installed';
  }
  return undefined;
}

/** PIDs of every process in a namespace. */
export async function processesIn(namespace: string): Promise<number[]> {
  const out = await sh('ip', ['netns', 'pids', namespace]).catch(() => '');
  return out
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** SIGKILLs every process in a namespace: the host "dies" at once, its sockets closed by the kernel. */
export async function killEverythingIn(namespace: string): Promise<number> {
  const pids = await processesIn(namespace);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids.length;
}

/** Removes every test host and the bridge, whatever state an earlier run left them in. */
export async function removeTestHosts(): Promise<void> {
  const list = await sh('ip', ['netns', 'list']).catch(() => '');
  for (const line of list.split('\n')) {
    const namespace = line.split(' ')[0];
    if (!namespace?.startsWith(NAMESPACE_PREFIX)) continue;
    await killEverythingIn(namespace);
    await quiet('ip', ['netns', 'delete', namespace]);
  }
  await quiet('ip', ['link', 'delete', BRIDGE]);
  // Remove every copy of the forwarding rule (an earlier crash may have left one).
  for (let i = 0; i < 5; i += 1) {
    try {
      await run('iptables', ['-D', 'FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT']);
    } catch {
      break;
    }
  }
}

/** Makes `count` hosts, `<prefix>1` … on 10.231.17.11, .12, … */
export async function createTestHosts(count: number): Promise<TestHost[]> {
  await removeTestHosts();
  await sh('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  await sh('ip', ['addr', 'add', `${BRIDGE_ADDRESS}/24`, 'dev', BRIDGE]);
  await sh('ip', ['link', 'set', BRIDGE, 'up']);
  // Docker (when running) sets FORWARD's policy to DROP, and bridge netfilter sees bridged frames:
  // let the bridge's own ports talk to each other.
  await quiet('iptables', ['-I', 'FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT']);
  const hosts: TestHost[] = [];
  for (let i = 1; i <= count; i += 1) {
    const name = `pg-${i}`;
    const namespace = `${NAMESPACE_PREFIX}${name}`;
    const link = `mtpg${INSTANCE}n${i}h`;
    const address = `${SUBNET}.${10 + i}`;
    await sh('ip', ['netns', 'add', namespace]);
    await sh('ip', ['link', 'add', link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
    await sh('ip', ['link', 'set', link, 'master', BRIDGE, 'up']);
    const inside = (...args: string[]) => sh('ip', ['-n', namespace, ...args]);
    await inside('addr', 'add', `${address}/24`, 'dev', 'eth0');
    await inside('link', 'set', 'eth0', 'up');
    await inside('link', 'set', 'lo', 'up');
    await inside('route', 'add', 'default', 'via', BRIDGE_ADDRESS);
    hosts.push({ name, namespace, address, link });
  }
  return hosts;
}

/** Cuts a host's network (its link on the bridge goes down) or restores it. */
export async function setConnected(host: TestHost, connected: boolean): Promise<void> {
  await sh('ip', ['link', 'set', host.link, connected ? 'up' : 'down']);
}
