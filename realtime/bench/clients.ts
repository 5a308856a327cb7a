import type { ClientReply } from './client-process';
import { type BenchChild, forkBench } from './ipc';
import type { WatchSpec } from './world';

export interface Deliveries {
  watch: Float64Array;
  seq: Float64Array;
  at: Float64Array;
  disconnects: { index: number; reason: string; at: number }[];
}

/** The bench's clients, dealt round-robin over a few client processes (client-process.ts). */
export class Fleet {
  private constructor(private readonly processes: BenchChild<ClientReply>[]) {}

  static start(processes: number): Fleet {
    return new Fleet(
      Array.from({ length: processes }, () =>
        forkBench<ClientReply>('./client-process.ts', { NODE_ENV: 'production' }),
      ),
    );
  }

  /** Connects and subscribes these watches, dealt round-robin over the processes; throws if any fails. */
  async add(specs: WatchSpec[], afterId: number): Promise<void> {
    const count = this.processes.length;
    const answers = await Promise.all(
      this.processes.map((child, p) =>
        child.request(
          { type: 'connect', specs: specs.filter((_, i) => i % count === p), afterId, concurrency: 50 },
          'connected',
        ),
      ),
    );
    const failures = answers.flatMap((answer) => answer.failures);
    if (failures.length) throw new Error(`${failures.length} clients failed to connect, e.g. ${failures[0]}`);
  }

  get pids(): (number | undefined)[] {
    return this.processes.map((child) => child.child.pid);
  }

  /** Deliveries recorded since the last take, for the quiet check after a phase. */
  async count(): Promise<number> {
    const counts = await Promise.all(this.processes.map((child) => child.request({ type: 'count' }, 'count')));
    return counts.reduce((sum, answer) => sum + answer.deliveries, 0);
  }

  async take(): Promise<Deliveries> {
    const parts = await Promise.all(this.processes.map((child) => child.request({ type: 'take' }, 'deliveries')));
    const join = (key: 'watch' | 'seq' | 'at') => {
      const all = new Float64Array(parts.reduce((sum, part) => sum + part[key].length, 0));
      let offset = 0;
      for (const part of parts) {
        all.set(part[key], offset);
        offset += part[key].length;
      }
      return all;
    };
    return { watch: join('watch'), seq: join('seq'), at: join('at'), disconnects: parts.flatMap((p) => p.disconnects) };
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((child) => child.stop({ type: 'close' })));
  }
}
