/**
 * A set of message ids kept as runs of consecutive ids ([first, last] pairs, lowest first),
 * bounded by the number of runs: past `maxRuns`, the lowest run is forgotten.
 *
 * Why runs: a page drops a message it already shows by id, and the ids it must remember reach
 * as far back as a resync can ask it to read again. After a long partition that is minutes
 * (a replica cut off with its host sends its floor from before the cut once it is back), and
 * 2,000 single ids were 20 s of the public timeline at 100 messages/s: the Socket.IO pages of
 * the multi-host run showed 25,000-33,000 messages twice. A timeline whose ids follow each
 * other (the public one) is one run however long it grows; a sparse one (a user's page) costs
 * a run per id, as the plain set did.
 */
export class IdRuns {
  private readonly runs: Array<[first: number, last: number]> = [];

  constructor(private readonly maxRuns: number) {}

  has(id: number): boolean {
    const i = this.indexAfter(id) - 1;
    return i >= 0 && this.runs[i]![1] >= id;
  }

  add(id: number): void {
    const after = this.indexAfter(id);
    const before = this.runs[after - 1];
    const next = this.runs[after];
    if (before && before[1] >= id) return;
    const joinsBefore = before !== undefined && before[1] === id - 1;
    const joinsNext = next !== undefined && next[0] === id + 1;
    if (joinsBefore && joinsNext) {
      before[1] = next[1];
      this.runs.splice(after, 1);
    } else if (joinsBefore) before[1] = id;
    else if (joinsNext) next[0] = id;
    else this.runs.splice(after, 0, [id, id]);
    if (this.runs.length > this.maxRuns) this.runs.shift();
  }

  /** How many runs are kept (for tests and bounds). */
  get size(): number {
    return this.runs.length;
  }

  /** The index of the first run that starts after `id` (binary search). */
  private indexAfter(id: number): number {
    let low = 0;
    let high = this.runs.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.runs[middle]![0] <= id) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
