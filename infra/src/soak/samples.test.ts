import { describe, expect, it } from 'vitest';
import { type Sample, heapFloorSlope, slopePerMinute } from './samples';

describe('soak slopes', () => {
  it('measures a straight line per minute', () => {
    expect(slopePerMinute([0, 30, 60].map((x) => ({ x, y: 10 + x / 60 })))).toBeCloseTo(1);
  });

  it('sees a leak under a GC sawtooth, and no leak in a flat sawtooth', () => {
    const sawtooth = (leakPerMinute: number): Sample[] =>
      Array.from({ length: 120 }, (_, i) => ({
        t: i,
        rssMb: 0,
        fds: 0,
        heapMb: 50 + (i % 7) * 3 + (leakPerMinute * i) / 60,
      }));
    expect(heapFloorSlope(sawtooth(0), 10)).toBeCloseTo(0, 0);
    expect(heapFloorSlope(sawtooth(4), 10)).toBeGreaterThan(3);
  });
});
