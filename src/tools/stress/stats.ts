/**
 * Latency recording for `sibyl stress` and the benchmarks: every sample is
 * kept (8 bytes each, so a million operations cost 8 MB) and percentiles are
 * exact, computed by sorting once per question asked.
 */
export class LatencyRecorder {
  private samplesUs = new Float64Array(1024);
  private size = 0;
  private sumUs = 0;
  private maxUs = 0;
  /** The samples in order, kept until the next record(). */
  private sorted: Float64Array | undefined;

  record(us: number): void {
    if (this.size === this.samplesUs.length) {
      const grown = new Float64Array(this.samplesUs.length * 2);
      grown.set(this.samplesUs);
      this.samplesUs = grown;
    }
    this.samplesUs[this.size++] = us;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
    this.sorted = undefined;
  }

  get count(): number {
    return this.size;
  }

  /** The smallest sample that at least p% of samples do not exceed (nearest rank), in ms; NaN when empty. */
  percentileMs(p: number): number {
    if (this.size === 0) return NaN;
    this.sorted ??= this.samplesUs.slice(0, this.size).sort();
    const idx = Math.min(this.size - 1, Math.max(0, Math.ceil((p / 100) * this.size) - 1));
    return this.sorted[idx]! / 1000;
  }

  meanMs(): number {
    return this.size === 0 ? NaN : this.sumUs / this.size / 1000;
  }

  maxMs(): number {
    return this.size === 0 ? NaN : this.maxUs / 1000;
  }

  /** Forgets every sample (the per-second progress window starts again). */
  reset(): void {
    this.size = 0;
    this.sumUs = 0;
    this.maxUs = 0;
    this.sorted = undefined;
  }
}
