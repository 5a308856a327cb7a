import { readFileSync } from 'node:fs';
import { fmt } from './stats';

/**
 * CPU seconds of bench processes from /proc (Linux): which process saturates
 * is the first question when latency grows. Clock ticks are 1/100 s on Linux.
 */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may contain spaces, hence the last ')').
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Busy and total jiffies of the whole machine (all cores), from the first line of /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    const values = fields.map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    // idle + iowait are the time nobody wanted a CPU.
    return { busy: total - values[3]! - values[4]!, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/**
 * Starts a CPU meter over named processes; `report()` gives each one's share
 * of a core since, and how busy the whole machine was (other people's work
 * included): a saturated machine explains a latency tail no bench process does.
 */
export function cpuMeter(processes: [name: string, pid: number | undefined][]) {
  const start = performance.now();
  const before = processes.map(([, pid]) => (pid ? cpuSeconds(pid) : NaN));
  const machineBefore = machineJiffies();
  return {
    report(): string {
      const seconds = (performance.now() - start) / 1000;
      const machine = machineJiffies();
      const busy = (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total);
      const ours = processes
        .map(([name, pid], i) => `${name} ${fmt((((pid ? cpuSeconds(pid) : NaN) - before[i]!) / seconds) * 100, 0)}%`)
        .join(', ');
      return `${ours}; machine ${fmt(busy * 100, 0)}% busy over all cores`;
    },
  };
}
