/**
 * Resource samples of the soak's services, scraped from their own /metrics on
 * their internal ports (prom-client's process and Node.js defaults, and the realtime socket gauge),
 * and the slopes that say whether anything grows.
 */
export interface Sample {
  /** Seconds since the soak started. */
  t: number;
  rssMb: number;
  heapMb: number;
  fds: number;
  /** realtime_connected_sockets; absent for services without it. */
  sockets?: number;
}

const metric = (text: string, name: string): number | undefined => {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
};

export async function scrape(baseUrl: string, t: number): Promise<Sample> {
  const response = await fetch(`${baseUrl}/metrics`);
  const text = await response.text();
  return {
    t,
    rssMb: (metric(text, 'process_resident_memory_bytes') ?? Number.NaN) / 1_048_576,
    heapMb: (metric(text, 'nodejs_heap_size_used_bytes') ?? Number.NaN) / 1_048_576,
    fds: metric(text, 'process_open_fds') ?? Number.NaN,
    sockets: metric(text, 'realtime_connected_sockets'),
  };
}

/** Least-squares slope of y over x, per minute when x is in seconds. */
export function slopePerMinute(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / n;
  const my = points.reduce((sum, p) => sum + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : (num / den) * 60;
}

/**
 * Heap slope from the low point of each window: the heap saws up and down with
 * every GC, and what a leak raises is the floor the sawtooth comes back to.
 */
export function heapFloorSlope(samples: readonly Sample[], windowSize: number): number {
  const floors: Array<{ x: number; y: number }> = [];
  for (let i = 0; i + windowSize <= samples.length; i += windowSize) {
    const window = samples.slice(i, i + windowSize);
    const low = window.reduce((min, sample) => (sample.heapMb < min.heapMb ? sample : min));
    floors.push({ x: low.t, y: low.heapMb });
  }
  return slopePerMinute(floors);
}
