/**
 * Client-side write timestamps. Last-write-wins needs a client's writes to
 * carry increasing timestamps even when the wall clock steps back (NTP) or
 * two writes land in the same microsecond, or a later write could lose to an
 * earlier one from the same client.
 */
import type { Clock } from '../clock/clock.js';

/** A source of write timestamps, in microseconds since the epoch. */
export interface TimestampGenerator {
  next(): number;
}

export class MonotonicTimestampGenerator implements TimestampGenerator {
  private lastUs = Number.MIN_SAFE_INTEGER;

  constructor(private readonly clock: Clock) {}

  /** Microseconds since the epoch: the clock's reading, or the previous value + 1 if that is not greater. */
  next(): number {
    const nowUs = this.clock.nowUs();
    this.lastUs = nowUs > this.lastUs ? nowUs : this.lastUs + 1;
    return this.lastUs;
  }
}
