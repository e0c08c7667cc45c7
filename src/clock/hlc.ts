/**
 * A hybrid logical clock for the timestamps a coordinator assigns: it
 * follows the wall clock, but never goes backwards, never repeats, and moves
 * past timestamps seen from elsewhere (another coordinator's mutation, a
 * client's USING TIMESTAMP), so a write this node stamps after seeing one
 * always wins over it under last-write-wins.
 *
 * The logical part lives in the low digits: microseconds are finer than
 * any two events on one node, so "one more than the last" serves as the
 * logical counter, as Cassandra's monotonic client timestamps do. When the
 * wall clock steps back, timestamps creep forward one microsecond at a time
 * until the wall clock catches up.
 *
 * Following a remote timestamp is bounded by `max_clock_drift`: one further
 * ahead of this node's wall clock is refused (the clock does not move), and
 * `observe` returns a warning saying so, because adopting it would drag
 * every later write of this node into the future with it.
 */
import type { Clock } from './clock.js';

export interface HybridLogicalClockOptions {
  clock: Clock;
  /** The max_clock_drift setting, in milliseconds. */
  maxClockDriftMs: number;
}

export class HybridLogicalClock {
  private readonly clock: Clock;
  private readonly maxClockDriftUs: number;
  private lastUs = 0;

  constructor(options: HybridLogicalClockOptions) {
    if (!(options.maxClockDriftMs >= 0)) throw new Error(`max_clock_drift must be non-negative, got ${options.maxClockDriftMs}`);
    this.clock = options.clock;
    this.maxClockDriftUs = options.maxClockDriftMs * 1000;
  }

  /** A fresh timestamp in microseconds since the epoch, greater than every one before it. */
  now(): number {
    const wallUs = this.clock.nowUs();
    this.lastUs = wallUs > this.lastUs ? wallUs : this.lastUs + 1;
    return this.lastUs;
  }

  /** The last timestamp issued or observed, without issuing one. */
  last(): number {
    return this.lastUs;
  }

  /**
   * Moves the clock past `remoteUs`, so the next `now()` is greater than it.
   * Returns a warning, and leaves the clock alone, when `remoteUs` leads this
   * node's wall clock by more than max_clock_drift.
   */
  observe(remoteUs: number): string | undefined {
    const wallUs = this.clock.nowUs();
    const aheadUs = remoteUs - wallUs;
    if (aheadUs > this.maxClockDriftUs) {
      return (
        `Ignored timestamp ${remoteUs}: it is ${formatSeconds(aheadUs)} s ahead of this node's clock ` +
        `(max_clock_drift is ${this.maxClockDriftUs / 1000} ms)`
      );
    }
    if (remoteUs > this.lastUs) this.lastUs = remoteUs;
    return undefined;
  }
}

/** Microseconds as seconds with one decimal, e.g. 5.2. */
export function formatSeconds(us: number): string {
  return (Math.round(us / 100_000) / 10).toFixed(1);
}
