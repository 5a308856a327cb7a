import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from '../pg-ha/poll';
import { killEverythingIn, type TestHost } from '../test-network/network';
import { hostPaths, NAME_SERVER, REGISTRY, RUN_DIR, STATE_DIR } from './layout';
import { readPid, startDetached, stopPid } from './processes';

const run = promisify(execFile);

/** `docker` against one host's engine. */
export async function dockerOn(host: TestHost, args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout } = await run('docker', ['-H', `unix://${hostPaths(host.name).socket}`, ...args], {
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

/**
 * Starts a host's own dockerd inside its network namespace. `nsenter --net`
 * enters only the network namespace (`ip netns exec` would remount /sys and
 * dockerd then fails with "Devices cgroup isn't mounted"); `unshare --uts`
 * gives the host its own hostname, which Swarm shows as the node's name.
 * Everything the daemon keeps is under this host's own directories, and its
 * containers run under a cgroup of their own (a "dead host" kills them all).
 */
export async function startDaemon(host: TestHost): Promise<void> {
  const paths = hostPaths(host.name);
  await mkdir(paths.execRoot, { recursive: true });
  await mkdir(paths.dataRoot, { recursive: true });
  const hostname = `mtsw-${host.name}`;
  const pid = startDetached(
    'nsenter',
    [
      `--net=/run/netns/${host.namespace}`,
      '--',
      'unshare',
      '--uts',
      '--',
      '/bin/sh',
      '-c',
      'hostname "$0" && exec dockerd "$@"',
      hostname,
      `--data-root=${paths.dataRoot}`,
      `--exec-root=${paths.execRoot}`,
      `--host=unix://${paths.socket}`,
      `--pidfile=${paths.pidFile}`,
      `--cgroup-parent=${paths.cgroupParent}`,
      `--insecure-registry=${REGISTRY}`,
      // Names Docker does not know go to the test network's name server, which answers at once.
      `--dns=${NAME_SERVER}`,
      '--log-level=warn',
    ],
    { log: paths.log },
  );
  await writeFile(join(RUN_DIR, host.name, 'launcher.pid'), `${pid}\n`);
  await pollUntil(
    `dockerd on ${host.name}`,
    60_000,
    async () => ((await dockerOn(host, ['version', '-f', '{{.Server.Version}}'], 5_000)) ? true : undefined),
    {
      intervalMs: 250,
      context: async () => (await readFile(paths.log, 'utf8').catch(() => '')).split('\n').slice(-5).join(' | '),
    },
  );
}

/** Processes of every container that ran under this host's cgroup (cgroup v1: any controller lists them). */
async function containerProcesses(cgroupParent: string): Promise<number[]> {
  const pids = new Set<number>();
  const roots = await readdir('/sys/fs/cgroup').catch(() => [] as string[]);
  for (const controller of roots) {
    const base = join('/sys/fs/cgroup', controller, cgroupParent);
    const found = await run('find', [base, '-name', 'cgroup.procs']).catch(() => ({ stdout: '' }));
    for (const file of found.stdout.split('\n').filter(Boolean)) {
      for (const line of (await readFile(file, 'utf8').catch(() => '')).split('\n')) {
        if (line.trim()) pids.add(Number(line));
      }
    }
  }
  return [...pids];
}

/** Removes the (now empty) cgroups under this host's parent, deepest first. */
async function removeCgroups(cgroupParent: string): Promise<void> {
  const roots = await readdir('/sys/fs/cgroup').catch(() => [] as string[]);
  for (const controller of roots) {
    const base = join('/sys/fs/cgroup', controller, cgroupParent);
    const found = await run('find', [base, '-depth', '-type', 'd']).catch(() => ({ stdout: '' }));
    for (const dir of found.stdout.split('\n').filter(Boolean)) await rmdir(dir).catch(() => undefined);
  }
}

/**
 * Stops a host's daemon and everything it ran, whatever state it is in: the
 * daemon is asked first (it stops its containers), then whatever is left in
 * the namespace and under the host's cgroup is killed, mounts under its
 * directories are lazily unmounted, and the directories removed.
 */
export async function removeDaemon(name: string, namespace: string | undefined): Promise<void> {
  const paths = hostPaths(name);
  await stopPid(await readPid(paths.pidFile), 20_000, paths.pidFile);
  if (namespace) await killEverythingIn(namespace);
  for (const pid of await containerProcesses(paths.cgroupParent)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  await removeCgroups(paths.cgroupParent);
  await unmountUnder([join(RUN_DIR, name), join(STATE_DIR, name)]);
  await rm(join(RUN_DIR, name), { recursive: true, force: true });
  await rm(join(STATE_DIR, name), { recursive: true, force: true });
}

/** Lazily unmounts every mount below these directories (overlay layers, network namespaces' bind mounts). */
export async function unmountUnder(dirs: string[]): Promise<void> {
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => !!point && dirs.some((dir) => point === dir || point.startsWith(`${dir}/`)))
    // Deepest first, so a mount is never below one already gone.
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await run('umount', ['-l', point]).catch(() => undefined);
}
