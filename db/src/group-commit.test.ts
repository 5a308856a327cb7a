import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

/** A runner whose groups finish only when the test says so; records each group it was given. */
function heldRunner() {
  const groups: number[][] = [];
  const finish: (() => void)[] = [];
  const run = (items: readonly number[]) => {
    groups.push([...items]);
    return new Promise<(number | Error)[]>((resolve) => {
      finish.push(() => resolve(items.map((item) => (item < 0 ? new Error(`no ${item}`) : item * 10))));
    });
  };
  return { groups, finish, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('sends a write alone at once when nothing is in flight', async () => {
    const runner = heldRunner();
    const commits = new GroupCommit(runner.run, { inFlight: 1, maxGroup: 10 }, () => false);
    const result = commits.submit(1);
    await tick();
    expect(runner.groups).toEqual([[1]]);
    runner.finish[0]!();
    await expect(result).resolves.toBe(10);
  });

  it('groups the writes that arrive while groups are in flight, in arrival order, up to maxGroup', async () => {
    const runner = heldRunner();
    const commits = new GroupCommit(runner.run, { inFlight: 2, maxGroup: 3 }, () => false);
    const results = [1, 2, 3, 4, 5, 6, 7, 8].map((item) => commits.submit(item));
    await tick();
    // The first two went out alone as they came (nothing was in flight); the rest wait for them.
    expect(runner.groups).toEqual([[1], [2]]);
    runner.finish[0]!();
    await tick();
    expect(runner.groups).toEqual([[1], [2], [3, 4, 5]]);
    runner.finish[1]!();
    await tick();
    expect(runner.groups).toEqual([[1], [2], [3, 4, 5], [6, 7, 8]]);
    runner.finish[2]!();
    runner.finish[3]!();
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
  });

  it('never has more groups in flight than allowed', async () => {
    const runner = heldRunner();
    const commits = new GroupCommit(runner.run, { inFlight: 1, maxGroup: 2 }, () => false);
    const results = [1, 2, 3, 4, 5].map((item) => commits.submit(item));
    for (let done = 0; done < 3; done++) {
      await tick();
      expect(runner.groups.length).toBe(done + 1);
      runner.finish[done]!();
    }
    expect(runner.groups).toEqual([[1], [2, 3], [4, 5]]);
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40, 50]);
  });

  it("fails only the write whose result is an error; the group's others succeed", async () => {
    const runner = heldRunner();
    const commits = new GroupCommit(runner.run, { inFlight: 1, maxGroup: 10 }, () => false);
    const first = commits.submit(1);
    const results = [2, -3, 4].map((item) => commits.submit(item));
    await tick();
    runner.finish[0]!();
    await first;
    await tick();
    expect(runner.groups[1]).toEqual([2, -3, 4]);
    runner.finish[1]!();
    const settled = await Promise.allSettled(results);
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('no -3'));
  });

  it('runs a failed group again one write at a time, in order, when the error proves nothing committed', async () => {
    const ran: number[][] = [];
    const commits = new GroupCommit<number, number>(
      async (items) => {
        ran.push([...items]);
        // One bad write fails the whole statement, as in SQL; alone, only it fails.
        if (items.includes(13)) throw new Error('statement failed');
        return items.map((item) => item * 10);
      },
      { inFlight: 1, maxGroup: 10 },
      (error) => (error as Error).message === 'statement failed',
    );
    const blocker = commits.submit(0);
    const results = [12, 13, 14].map((item) => commits.submit(item));
    await blocker;
    const settled = await Promise.allSettled(results);
    expect(ran).toEqual([[0], [12, 13, 14], [12], [13], [14]]);
    expect(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'failed'))).toEqual([
      120,
      'failed',
      140,
    ]);
  });

  it('fails the whole group, and runs nothing again, when the error leaves the commit in doubt', async () => {
    const ran: number[][] = [];
    const lost = new Error('Connection terminated unexpectedly');
    const commits = new GroupCommit<number, number>(
      async (items) => {
        ran.push([...items]);
        if (items.length > 1) throw lost;
        return items.map((item) => item);
      },
      { inFlight: 1, maxGroup: 10 },
      () => false,
    );
    const blocker = commits.submit(0);
    const results = [1, 2].map((item) => commits.submit(item));
    await blocker;
    const settled = await Promise.allSettled(results);
    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((settled[0] as PromiseRejectedResult).reason).toBe(lost);
    expect(ran).toEqual([[0], [1, 2]]);
  });

  it('goes on with the next group after one failed', async () => {
    let calls = 0;
    const commits = new GroupCommit<number, number>(
      async (items) => {
        if (calls++ === 0) throw new Error('down');
        return [...items];
      },
      { inFlight: 1, maxGroup: 10 },
      () => false,
    );
    await expect(commits.submit(1)).rejects.toThrow('down');
    await expect(commits.submit(2)).resolves.toBe(2);
  });
});
