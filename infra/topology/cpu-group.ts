/**
 * A CPU cgroup for the test's own clients (the load and its pages, the
 * watching browsers), so their share of this machine's two cores is set on
 * purpose rather than by whatever else runs beside the deployment.
 *
 * Nice values cannot do this here: the kernel groups the processes of each
 * session (autogroup, on by default) and weighs the groups, not the
 * processes, so a load at nice -10 still shared one group's weight with
 * every `docker` call of the script that started it (multi-host run 10:
 * the load's main thread runnable but waiting 72 % of the time, stalled up
 * to 7.7 s, while a timer process in another session never ran late).
 */
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A group's CPU weight, in Docker's units: its containers' group has 1024 (cgroup v1 shares), 100 in v2. */
export interface CpuWeight {
  v1Shares: number;
  v2Weight: number;
}

/** Makes the group (v1 cpu controller, else v2 with cpu enabled); its cgroup.procs path, or undefined. */
export function cpuGroup(name: string, weight: CpuWeight): string | undefined {
  const candidates = [
    {
      dir: join('/sys/fs/cgroup/cpu', name),
      file: 'cpu.shares',
      value: String(weight.v1Shares),
      root: '/sys/fs/cgroup/cpu/cpu.shares',
    },
    {
      dir: join('/sys/fs/cgroup', name),
      file: 'cpu.weight',
      value: String(weight.v2Weight),
      root: '/sys/fs/cgroup/cgroup.subtree_control',
    },
  ];
  for (const { dir, file, value, root } of candidates) {
    if (!existsSync(root)) continue;
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, file), value);
      return join(dir, 'cgroup.procs');
    } catch {
      // Not root, or no cpu controller in this hierarchy: try the next.
    }
  }
  return undefined;
}

/**
 * Moves this process (every thread of it; what it starts later starts there too) into the group;
 * its cgroup.procs path, or undefined where no group can be made or joined.
 */
export function joinCpuGroup(name: string, weight: CpuWeight): string | undefined {
  const procs = cpuGroup(name, weight);
  if (!procs) return undefined;
  try {
    writeFileSync(procs, String(process.pid));
    return procs;
  } catch {
    return undefined;
  }
}

/** Moves this process back to the root group and removes its own (once its children are gone). */
export function leaveCpuGroup(procs: string): void {
  try {
    writeFileSync(join(procs, '..', '..', 'cgroup.procs'), String(process.pid));
  } catch {
    return;
  }
  removeCpuGroup(procs);
}

/** Removes the group once empty; one whose last process is still exiting stays, harmless and reused. */
export function removeCpuGroup(procs: string): void {
  try {
    rmdirSync(join(procs, '..'));
  } catch {
    // Still in use.
  }
}
