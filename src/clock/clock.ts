/**
 * The only place that reads wall time or schedules timers. Everything else
 * takes a Clock, so tests can step and skew time (last-write-wins must be
 * tested against skewed clocks).
 */
export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch. */
  nowMs(): number;
  /** Wall-clock microseconds since the Unix epoch (cell timestamps). */
  nowUs(): number;
  /** Wall-clock whole seconds since the Unix epoch (TTL expiry, gc_grace). */
  nowS(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  setInterval(fn: () => void, ms: number): Timer;
}

export interface Timer {
  cancel(): void;
  /** Lets the process exit while the timer is pending. */
  unref(): void;
}

export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }
  nowUs(): number {
    // Date.now() is millisecond-grained; performance.now() supplies the sub-millisecond part.
    return Math.floor((performance.timeOrigin + performance.now()) * 1000);
  }
  nowS(): number {
    return Math.floor(Date.now() / 1000);
  }
  setTimeout(fn: () => void, ms: number): Timer {
    const handle = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(handle), unref: () => void handle.unref() };
  }
  setInterval(fn: () => void, ms: number): Timer {
    const handle = setInterval(fn, ms);
    return { cancel: () => clearInterval(handle), unref: () => void handle.unref() };
  }
}

/**
 * A clock tests move by hand. Timers fire, in due order, when `advance`
 * passes their deadline.
 */
export class ManualClock implements Clock {
  private timers: { at: number; every: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private us: number = 1_700_000_000_000_000) {}
  nowMs(): number {
    return Math.floor(this.us / 1000);
  }
  nowUs(): number {
    return this.us;
  }
  nowS(): number {
    return Math.floor(this.us / 1_000_000);
  }
  set(us: number): void {
    this.us = us;
  }
  advance(ms: number): void {
    const target = this.us + ms * 1000;
    for (;;) {
      const due = this.timers.filter((t) => t.at * 1000 <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.us = Math.max(this.us, due.at * 1000);
      if (due.every > 0) due.at += due.every;
      else this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
    this.us = target;
  }
  setTimeout(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, 0);
  }
  setInterval(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, Math.max(1, ms));
  }
  private add(fn: () => void, ms: number, every: number): Timer {
    const id = this.nextId++;
    this.timers.push({ at: this.nowMs() + ms, every, fn, id });
    return { cancel: () => void (this.timers = this.timers.filter((t) => t.id !== id)), unref: () => {} };
  }
}
