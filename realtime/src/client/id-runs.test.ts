import { describe, expect, it } from 'vitest';
import { IdRuns } from './id-runs';

describe('IdRuns', () => {
  it('knows exactly the ids added, in any order', () => {
    const runs = new IdRuns(100);
    for (const id of [5, 3, 9, 4, 12, 10]) runs.add(id);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].filter((id) => runs.has(id))).toEqual([3, 4, 5, 9, 10, 12]);
    expect(runs.size).toBe(3);
  });

  it('joins the runs on either side of an id that fills the hole between them', () => {
    const runs = new IdRuns(100);
    for (const id of [1, 2, 4, 5]) runs.add(id);
    expect(runs.size).toBe(2);
    runs.add(3);
    expect(runs.size).toBe(1);
    expect([0, 1, 2, 3, 4, 5, 6].filter((id) => runs.has(id))).toEqual([1, 2, 3, 4, 5]);
    runs.add(3);
    expect(runs.size).toBe(1);
  });

  it('keeps a consecutive stream of any length as one run', () => {
    const runs = new IdRuns(2);
    for (let id = 1; id <= 100_000; id += 1) runs.add(id);
    expect(runs.size).toBe(1);
    expect(runs.has(1) && runs.has(50_000) && runs.has(100_000)).toBe(true);
    expect(runs.has(100_001)).toBe(false);
  });

  it('forgets the lowest runs past its bound', () => {
    const runs = new IdRuns(3);
    for (const id of [10, 20, 30, 40]) runs.add(id);
    expect(runs.size).toBe(3);
    expect(runs.has(10)).toBe(false);
    expect([20, 30, 40].every((id) => runs.has(id))).toBe(true);
  });
});
