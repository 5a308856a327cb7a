import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Test hosts on this machine: each is a network namespace with its own
 * address, linked by a veth pair to one Linux bridge whose own address is the
 * "host" side (where shared services of a test listen). Cutting a host's link
 * is a real network partition: its processes keep running, but nothing
 * reaches them and they reach nothing. Needs root and iproute2.
 *
 * Each network has fixed names (bridge, namespace prefix, subnet), so
 * `remove()` can clean up after a run that crashed: `create()` calls it
 * first. The replicated database's test cluster (../pg-ha/test-hosts.ts) and
 * the multi-host swarm (../swarm-hosts/) each define their own.
 */
export interface TestNetworkSpec {
  /** The Linux bridge's name (at most 15 characters). */
  bridge: string;
  /** The first three octets of the /24, e.g. `10.231.17`; the bridge is `.1`, host i is `.(10 + i)`. */
  subnet: string;
  /** Every namespace of this network starts with it (what `remove()` looks for). */
  namespacePrefix: string;
  /** The host side of host i's veth pair is `<linkPrefix><i>h` (at most 15 characters). */
  linkPrefix: string;
  /** Host i's name (1-based). */
  hostName: (index: number) => string;
}

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

export interface TestNetwork {
  bridge: string;
  bridgeAddress: string;
  /** Makes `count` hosts (removing whatever an earlier run left first). */
  create(count: number): Promise<TestHost[]>;
  /** Host `index`'s names and address (1-based), whether or not it exists now. */
  host(index: number): TestHost;
  /** Removes every host of this network and the bridge, whatever state an earlier run left them in. */
  remove(): Promise<void>;
}

export function defineTestNetwork(spec: TestNetworkSpec): TestNetwork {
  const { bridge, subnet, namespacePrefix, linkPrefix } = spec;
  const bridgeAddress = `${subnet}.1`;

  function host(index: number): TestHost {
    const name = spec.hostName(index);
    return {
      name,
      namespace: `${namespacePrefix}${name}`,
      address: `${subnet}.${10 + index}`,
      link: `${linkPrefix}${index}h`,
    };
  }

  async function remove(): Promise<void> {
    const list = await sh('ip', ['netns', 'list']).catch(() => '');
    for (const line of list.split('\n')) {
      const namespace = line.split(' ')[0];
      if (!namespace?.startsWith(namespacePrefix)) continue;
      await killEverythingIn(namespace);
      await quiet('ip', ['netns', 'delete', namespace]);
    }
    // A namespace goes only once nothing holds it any more, and its veth pair with it: the
    // host side can outlive `ip netns delete`, and create() then found its name taken ("File
    // exists", seen when a run followed one that kept its hosts). Deleting that side removes both.
    const links = await sh('ip', ['-o', 'link', 'show']).catch(() => '');
    for (const [, name] of links.matchAll(/^\d+: ([^:@\s]+)/gm)) {
      if (name?.startsWith(linkPrefix)) await quiet('ip', ['link', 'delete', name]);
    }
    await quiet('ip', ['link', 'delete', bridge]);
    // Remove every copy of the forwarding rule (an earlier crash may have left one).
    for (let i = 0; i < 5; i += 1) {
      try {
        await run('iptables', ['-D', 'FORWARD', '-i', bridge, '-o', bridge, '-j', 'ACCEPT']);
      } catch {
        break;
      }
    }
  }

  async function create(count: number): Promise<TestHost[]> {
    await remove();
    await sh('ip', ['link', 'add', bridge, 'type', 'bridge']);
    await sh('ip', ['addr', 'add', `${bridgeAddress}/24`, 'dev', bridge]);
    await sh('ip', ['link', 'set', bridge, 'up']);
    // Docker (when running) sets FORWARD's policy to DROP, and bridge netfilter sees bridged frames:
    // let the bridge's own ports talk to each other.
    await quiet('iptables', ['-I', 'FORWARD', '-i', bridge, '-o', bridge, '-j', 'ACCEPT']);
    const hosts: TestHost[] = [];
    for (let i = 1; i <= count; i += 1) {
      const { name, namespace, address, link } = host(i);
      await sh('ip', ['netns', 'add', namespace]);
      await sh('ip', ['link', 'add', link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
      await sh('ip', ['link', 'set', link, 'master', bridge, 'up']);
      const inside = (...args: string[]) => sh('ip', ['-n', namespace, ...args]);
      await inside('addr', 'add', `${address}/24`, 'dev', 'eth0');
      await inside('link', 'set', 'eth0', 'up');
      await inside('link', 'set', 'lo', 'up');
      await inside('route', 'add', 'default', 'via', bridgeAddress);
      hosts.push({ name, namespace, address, link });
    }
    return hosts;
  }

  return { bridge, bridgeAddress, create, host, remove };
}

/** Cuts a host's network (its link on the bridge goes down) or restores it. */
export async function setConnected(host: TestHost, connected: boolean): Promise<void> {
  await sh('ip', ['link', 'set', host.link, connected ? 'up' : 'down']);
}
