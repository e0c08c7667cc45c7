/**
 * A clock whose wall time runs a fixed offset ahead of (or, negative, behind)
 * another clock's, with the inner clock's timers. Tests build nodes with
 * skewed clocks from it, to check what last-write-wins and clock-offset
 * reporting do when nodes disagree about the time.
 */
import type { Clock, Timer } from './clock.js';

export class OffsetClock implements Clock {
  constructor(
    private readonly inner: Clock,
    /** Milliseconds added to the inner clock's wall time. */
    public offsetMs: number,
  ) {}

  nowMs(): number {
    return this.inner.nowMs() + this.offsetMs;
  }
  nowUs(): number {
    return this.inner.nowUs() + this.offsetMs * 1000;
  }
  nowS(): number {
    return Math.floor(this.nowMs() / 1000);
  }
  setTimeout(fn: () => void, ms: number): Timer {
    return this.inner.setTimeout(fn, ms);
  }
  setInterval(fn: () => void, ms: number): Timer {
    return this.inner.setInterval(fn, ms);
  }
}
