/**
 * Group commit for writes that commit one at a time (docs/decisions.md,
 * "Simulator posts commit in groups"). Message inserts hold one lock until
 * they commit (ids in commit order, domain/messages.ts), and a commit waits
 * for the local WAL flush and the synchronous standby: every post pays that
 * wait in turn. Measured across the test hosts at 100 posts/s, a dozen
 * statements queued on the lock behind one waiting for the standby, holding
 * as many pooled connections, and under a CPU spike the queue outgrew the
 * pool and requests failed with 503.
 *
 * Writes submitted while a group is in flight wait and go out together as
 * the next group: one statement, one lock, one commit for all of them. It is
 * self-clocking: when nothing is in flight a write goes out at once, alone,
 * so an idle system adds no delay, and the busier the database, the larger
 * the groups.
 */
export interface GroupCommitOptions {
  /** Groups in flight at once: the next one already waits on the lock (and has been planned) as the first commits. */
  inFlight: number;
  /** The most writes in one statement. */
  maxGroup: number;
}

/** Runs a group; returns, in the group's order, each write's result or the error for that write alone. */
export type RunGroup<Item, Result> = (items: readonly Item[]) => Promise<(Result | Error)[]>;

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Item, Result> {
  private readonly queue: Waiting<Item, Result>[] = [];
  private running = 0;

  constructor(
    private readonly run: RunGroup<Item, Result>,
    private readonly options: GroupCommitOptions,
    /**
     * Whether a failed group may be run again one write at a time: only when
     * its error proves nothing committed (a statement error, not a lost
     * connection, whose commit may have happened). So one bad write cannot
     * fail the others, and no write is ever stored twice.
     */
    private readonly retryAlone: (error: unknown) => boolean,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.options.inFlight && this.queue.length > 0) {
      const group = this.queue.splice(0, this.options.maxGroup);
      this.running++;
      void this.settle(group).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async settle(group: Waiting<Item, Result>[]): Promise<void> {
    let results: (Result | Error)[];
    try {
      results = await this.run(group.map((waiting) => waiting.item));
    } catch (error) {
      if (group.length === 1 || !this.retryAlone(error)) {
        for (const waiting of group) waiting.reject(error);
        return;
      }
      // One after another, in the order they came: as they would have run without grouping.
      for (const waiting of group) await this.settle([waiting]);
      return;
    }
    group.forEach((waiting, index) => {
      const result = results[index];
      if (result instanceof Error) waiting.reject(result);
      else if (index >= results.length) waiting.reject(new Error('group commit: no result for this write'));
      else waiting.resolve(result as Result);
    });
  }
}
