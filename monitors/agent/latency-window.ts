/** The last N samples of a measurement (ring buffer), for cheap live quantiles. */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private count = 0;
  private index = 0;

  constructor(size: number) {
    this.samples = new Float64Array(size);
  }

  add(v: number): void {
    this.samples[this.index] = v;
    this.index = (this.index + 1) % this.samples.length;
    this.count = Math.min(this.count + 1, this.samples.length);
  }

  quantile(q: number): number | null {
    if (!this.count) return null;
    const sorted = Array.from(this.samples.subarray(0, this.count)).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }
}
