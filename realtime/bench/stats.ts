/** Percentiles of latency samples (ms), sorted in place. */
export function summarize(samples: Float64Array) {
  samples.sort();
  const at = (q: number) =>
    samples.length ? samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! : NaN;
  return {
    count: samples.length,
    p50: at(0.5),
    p99: at(0.99),
    max: samples.length ? samples[samples.length - 1]! : NaN,
  };
}

/** A growable list of numbers without per-sample objects: a million deliveries stay cheap. */
export class Samples {
  private data = new Float64Array(1 << 16);
  private size = 0;
  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.size);
  }
}

export const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
