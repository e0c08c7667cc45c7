/**
 * A latency histogram with Cassandra's EstimatedHistogram buckets: each
 * bucket's upper bound is the previous one times 1.2, rounded (1, 2, 3, 4, 5,
 * 6, 7, 8, 10, 12, 14, 17, 20, 24, ...), so recording is one binary search
 * and an increment and the memory is fixed whatever the traffic. Percentiles
 * are reported as the upper bound of the bucket they fall in, as nodetool's
 * are, so they are exact to within 20%.
 */

/** Buckets in microseconds; the last finite bound is about 1.5 hours, beyond which values count as overflow. */
const BUCKET_COUNT = 150;

function bucketOffsets(count: number): number[] {
  const out: number[] = [1];
  let last = 1;
  for (let i = 1; i < count; i++) {
    let next = Math.round(last * 1.2);
    if (next === last) next++;
    out.push(next);
    last = next;
  }
  return out;
}

const OFFSETS_US = bucketOffsets(BUCKET_COUNT);

export const PERCENTILES = ['50', '75', '95', '98', '99'] as const;
export type PercentileName = (typeof PERCENTILES)[number];

export interface HistogramSnapshot {
  count: number;
  /** Microseconds: the upper bound of the bucket holding each percentile; 0 when nothing was recorded. */
  percentilesUs: Record<PercentileName, number>;
  minUs: number;
  maxUs: number;
}

export class LatencyHistogram {
  /** One more than the bounds: the last slot counts values past the largest bound. */
  private readonly buckets = new Array<number>(BUCKET_COUNT + 1).fill(0);
  private total = 0;

  record(latencyUs: number): void {
    const v = Math.max(0, Math.ceil(latencyUs));
    let lo = 0;
    let hi = BUCKET_COUNT;
    // The first bucket whose upper bound is at least v; BUCKET_COUNT means overflow.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (OFFSETS_US[mid]! >= v) hi = mid;
      else lo = mid + 1;
    }
    this.buckets[lo]!++;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** The bucket bound below which a fraction `p` (0..1) of the values lie, as Cassandra's EstimatedHistogram.percentile. */
  percentileUs(p: number): number {
    const wanted = Math.ceil(this.total * p);
    if (wanted === 0) return 0;
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= wanted) return this.boundOf(i);
    }
    return this.boundOf(BUCKET_COUNT);
  }

  snapshot(): HistogramSnapshot {
    const percentilesUs = {} as Record<PercentileName, number>;
    for (const name of PERCENTILES) percentilesUs[name] = this.percentileUs(Number(name) / 100);
    const first = this.buckets.findIndex((n) => n > 0);
    let last = -1;
    for (let i = this.buckets.length - 1; i >= 0; i--) {
      if (this.buckets[i]! > 0) {
        last = i;
        break;
      }
    }
    return {
      count: this.total,
      percentilesUs,
      // As Cassandra: the smallest value the first used bucket can hold, and the largest bound of the last.
      minUs: first <= 0 ? 0 : OFFSETS_US[first - 1]! + 1,
      maxUs: last < 0 ? 0 : this.boundOf(last),
    };
  }

  private boundOf(index: number): number {
    // Overflowed values are reported at the largest bound, as Cassandra reports Long.MAX_VALUE's stand-in.
    return OFFSETS_US[Math.min(index, BUCKET_COUNT - 1)]!;
  }
}
