/**
 * Request tracing, Cassandra's TRACING ON made small. When a client asks for
 * a trace, the coordinator opens a TraceSession and hands it, as a Tracer,
 * down through the coordinator's paths; each step of the request records an
 * event. A replica asked to trace (a `trace: true` flag on the internode
 * request) opens its own session, records its steps and returns the events
 * in its response; the coordinator adopts them. No system_traces keyspace is
 * written: the whole trace travels back with the result.
 *
 * When tracing is off nothing is allocated: callers hold `undefined` instead
 * of a Tracer and test it before describing anything.
 *
 * This file lives in src/util because src/net's payloads carry TraceEvents
 * and src/net sits above src/coordinator. It cannot import src/clock, so a
 * session takes any object with `nowUs()`, which every Clock has.
 */

/** One step of a traced request, as cqlsh's tracing table shows it. */
export interface TraceEvent {
  activity: string;
  /** Wall time of the step on the node that recorded it, µs since the epoch. */
  timestampUs: number;
  /** The node that recorded it: its internode endpoint (`host:port`). */
  source: string;
  /** µs since that node started working on the request. */
  sourceElapsedUs: number;
}

/** What the paths of a traced request record into. */
export interface Tracer {
  /** Records one step, timed now, on this node. */
  event(activity: string): void;
  /** Takes in the events another node recorded and returned. */
  adopt(events: readonly TraceEvent[] | undefined): void;
  /** A message whose answer brings more events; the trace is complete once every one has settled. */
  track(pending: Promise<unknown>): void;
}

/** The time source a session needs; every Clock is one. */
export interface TraceClock {
  nowUs(): number;
}

/** The events one node records for one request, timed from when it started. */
export class TraceSession implements Tracer {
  readonly startedAtUs: number;
  private readonly recorded: TraceEvent[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    readonly source: string,
    private readonly clock: TraceClock,
  ) {
    this.startedAtUs = clock.nowUs();
  }

  event(activity: string): void {
    const timestampUs = this.clock.nowUs();
    this.recorded.push({ activity, timestampUs, source: this.source, sourceElapsedUs: timestampUs - this.startedAtUs });
  }

  adopt(events: readonly TraceEvent[] | undefined): void {
    if (events) for (const e of events) this.recorded.push(e);
  }

  track(pending: Promise<unknown>): void {
    this.pending.add(pending);
    const settled = () => void this.pending.delete(pending);
    pending.then(settled, settled);
  }

  /**
   * Resolves once every tracked message has answered or failed. Each is
   * bounded by its verb's timeout in messaging, so this never waits longer
   * than the slowest request timeout.
   */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** µs since the session started. */
  elapsedUs(): number {
    return this.clock.nowUs() - this.startedAtUs;
  }

  /** Every event so far, in time order (replicas' events interleave with this node's). */
  events(): TraceEvent[] {
    // A stable sort keeps the recording order of events that share a microsecond.
    return [...this.recorded].sort((a, b) => a.timestampUs - b.timestampUs);
  }
}

/** `1 partition, 2 rows, 5 cells`: how much of the data a step touched. */
export function describeVolume(counts: { partitions: number; rows: number; cells: number }): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(counts.partitions, 'partition')}, ${plural(counts.rows, 'row')}, ${plural(counts.cells, 'cell')}`;
}
