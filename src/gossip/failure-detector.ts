/**
 * Phi-accrual failure detection, as Cassandra's FailureDetector computes it.
 *
 * Each peer's heartbeat arrivals are kept as a window of inter-arrival
 * intervals. Phi is the suspicion that the peer is down given how long it
 * has been silent: Cassandra models arrivals as exponentially distributed,
 * for which -log10(P(no arrival in t)) = t / mean × (1 / ln 10), so
 *
 *     phi = PHI_FACTOR × (now − last arrival) / mean interval
 *
 * A peer is convicted when phi exceeds `phi_convict_threshold` (default 8):
 * with one-second heartbeats that is about 18 seconds of silence. The window
 * starts with one interval of twice the gossip interval, erring towards a
 * slow conviction rather than flapping while a peer's rhythm is unknown, and
 * never records an interval longer than that (a long partition should not
 * teach the detector to wait ever longer before convicting).
 *
 * Everything takes the time as an argument, so tests drive it by hand.
 */
import type { EndpointId } from '../net/payloads.js';

/** 1 / ln 10: turns t / mean into -log10 of the exponential tail. */
export const PHI_FACTOR = 1 / Math.LN10;

/** Intervals kept per peer (Cassandra's SAMPLE_SIZE). */
export const ARRIVAL_WINDOW_SIZE = 1000;

/** A local pause (GC, a stopped process) longer than this suspends conviction, as Cassandra's MAX_LOCAL_PAUSE does. */
export const MAX_LOCAL_PAUSE_MS = 5000;

export interface FailureDetectorOptions {
  /** Read at each decision so a changed setting applies at once. */
  phiConvictThreshold: () => number;
  /** The first interval assumed, and the longest interval recorded (Cassandra: twice the gossip interval). */
  initialIntervalMs: number;
  windowSize?: number;
}

/** A bounded window of intervals with a running sum. */
class ArrivalWindow {
  private readonly intervals: number[] = [];
  private next = 0;
  private sum = 0;
  lastArrivalMs: number | undefined;

  constructor(private readonly size: number) {}

  add(nowMs: number, initialIntervalMs: number): void {
    if (this.lastArrivalMs === undefined) {
      this.push(initialIntervalMs);
    } else {
      const interval = nowMs - this.lastArrivalMs;
      if (interval <= initialIntervalMs) this.push(interval);
    }
    this.lastArrivalMs = nowMs;
  }

  mean(): number {
    return this.sum / this.intervals.length;
  }

  private push(interval: number): void {
    if (this.intervals.length < this.size) {
      this.intervals.push(interval);
    } else {
      this.sum -= this.intervals[this.next]!;
      this.intervals[this.next] = interval;
      this.next = (this.next + 1) % this.size;
    }
    this.sum += interval;
  }
}

export class FailureDetector {
  private readonly windows = new Map<EndpointId, ArrivalWindow>();
  private readonly windowSize: number;
  private lastInterpretMs: number | undefined;
  private lastPauseMs = -Infinity;

  constructor(private readonly options: FailureDetectorOptions) {
    this.windowSize = options.windowSize ?? ARRIVAL_WINDOW_SIZE;
  }

  /** Records a fresh heartbeat from `endpoint`. */
  report(endpoint: EndpointId, nowMs: number): void {
    let window = this.windows.get(endpoint);
    if (!window) {
      window = new ArrivalWindow(this.windowSize);
      this.windows.set(endpoint, window);
    }
    window.add(nowMs, this.options.initialIntervalMs);
  }

  /** The suspicion level, on the scale of phi_convict_threshold; 0 for a peer never heard from. */
  phi(endpoint: EndpointId, nowMs: number): number {
    const window = this.windows.get(endpoint);
    if (!window || window.lastArrivalMs === undefined) return 0;
    const silentMs = Math.max(0, nowMs - window.lastArrivalMs);
    return (PHI_FACTOR * silentMs) / window.mean();
  }

  /** Whether the peer's phi is still within phi_convict_threshold. A peer never heard from counts as alive here; gossip decides when it first counts. */
  isAlive(endpoint: EndpointId, nowMs: number): boolean {
    return this.phi(endpoint, nowMs) <= this.options.phiConvictThreshold();
  }

  /**
   * The periodic check of one round: whether peers may be convicted now. A
   * gap since the previous check longer than MAX_LOCAL_PAUSE_MS means this
   * process itself stalled, so every peer looks silent; convictions are
   * suspended until a full pause length has passed normally.
   */
  mayConvict(nowMs: number): boolean {
    const last = this.lastInterpretMs;
    this.lastInterpretMs = nowMs;
    if (last !== undefined && nowMs - last > MAX_LOCAL_PAUSE_MS) this.lastPauseMs = nowMs;
    return nowMs - this.lastPauseMs >= MAX_LOCAL_PAUSE_MS;
  }

  /** Forgets a peer's intervals, so a restarted peer's rhythm is learned afresh. */
  remove(endpoint: EndpointId): void {
    this.windows.delete(endpoint);
  }

  /** Mean interval in ms, for operators (undefined for a peer never heard from). */
  meanIntervalMs(endpoint: EndpointId): number | undefined {
    return this.windows.get(endpoint)?.mean();
  }
}
