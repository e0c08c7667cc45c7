/**
 * The coordinator's write timestamps when the client sends none: microseconds
 * from the Clock, never going backwards and never repeating (a tie with the
 * previous one moves forward by 1 µs), so two writes through this node are
 * always ordered as they arrived.
 */
import type { Clock } from '../clock/clock.js';

export class TimestampGenerator {
  private lastUs = 0;
  constructor(private readonly clock: Clock) {}

  nextUs(): number {
    let now = this.clock.nowUs();
    if (now <= this.lastUs) now = this.lastUs + 1;
    this.lastUs = now;
    return now;
  }
}
