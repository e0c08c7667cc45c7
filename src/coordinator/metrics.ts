/**
 * Coordinator metrics, as `sibyltool proxyhistograms` shows them: per
 * operation (read, write, range) a count of requests and of each failure
 * kind, and latency percentiles over a recent window of requests. A window
 * of the last samples, not an all-time histogram, so a slow hour ago does
 * not hide a fast now.
 */

/** Latency samples kept per operation. */
export const LATENCY_WINDOW_SAMPLES = 4096;

export type ProxyOperation = 'read' | 'write' | 'range';

export type Outcome = 'ok' | 'unavailable' | 'timeout' | 'failure';

export interface LatencySnapshot {
  count: number;
  unavailables: number;
  timeouts: number;
  failures: number;
  /** Percentiles over the window, in milliseconds; 0 when nothing was recorded. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class LatencyRecorder {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;
  private count = 0;
  private readonly failuresByKind: Record<Exclude<Outcome, 'ok'>, number> = { unavailable: 0, timeout: 0, failure: 0 };

  constructor(windowSamples = LATENCY_WINDOW_SAMPLES) {
    this.samples = new Float64Array(windowSamples);
  }

  record(latencyMs: number, outcome: Outcome = 'ok'): void {
    this.count++;
    if (outcome !== 'ok') this.failuresByKind[outcome]++;
    this.samples[this.next] = latencyMs;
    this.next = (this.next + 1) % this.samples.length;
    this.filled = Math.min(this.filled + 1, this.samples.length);
  }

  snapshot(): LatencySnapshot {
    const sorted = Array.from(this.samples.subarray(0, this.filled)).sort((a, b) => a - b);
    // Nearest-rank percentile: the smallest sample with at least p of the window at or below it.
    const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!);
    return {
      count: this.count,
      unavailables: this.failuresByKind.unavailable,
      timeouts: this.failuresByKind.timeout,
      failures: this.failuresByKind.failure,
      p50Ms: at(0.5),
      p95Ms: at(0.95),
      p99Ms: at(0.99),
      maxMs: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
    };
  }
}

/**
 * Read repair as `sibyltool netstats` shows it: reads whose replicas
 * disagreed (a digest mismatch, or a range scan's answers differing), and
 * of those the ones that wrote the merged data back to stale replicas and
 * waited for it (every repair here is blocking; none runs in the background).
 */
export class ReadRepairCounters {
  attempted = 0;
  mismatchBlocking = 0;
}

export class CoordinatorMetrics {
  readonly read = new LatencyRecorder();
  readonly write = new LatencyRecorder();
  readonly range = new LatencyRecorder();
  readonly readRepair = new ReadRepairCounters();

  snapshot(): Record<ProxyOperation, LatencySnapshot> {
    return { read: this.read.snapshot(), write: this.write.snapshot(), range: this.range.snapshot() };
  }
}
