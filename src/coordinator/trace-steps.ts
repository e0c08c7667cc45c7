/**
 * The words a traced request's storage steps are recorded in, shared by the
 * replica handlers (replica.ts) and the coordinator's fast path to its own
 * storage (replica-client.ts), so a step reads the same whichever node did
 * it and however the request reached it. Only called when a Tracer exists.
 */
import type { Partition } from '../storage/model.js';
import { describeVolume, type Tracer } from '../util/tracing.js';

/** Partitions, rows (the static row included) and cells in some partitions; a missing partition counts as none. */
export function volumeOf(partitions: readonly (Partition | null | undefined)[]): { partitions: number; rows: number; cells: number } {
  let count = 0;
  let rows = 0;
  let cells = 0;
  for (const p of partitions) {
    if (!p) continue;
    count++;
    rows += p.rows.length;
    for (const row of p.rows) cells += row.cells.length;
  }
  return { partitions: count, rows, cells };
}

export function traceWriteStart(trace: Tracer, partitions: readonly Partition[]): void {
  trace.event(`Writing ${describeVolume(volumeOf(partitions))} to storage`);
}

export function traceWriteDone(trace: Tracer): void {
  trace.event('Write applied to storage');
}

export function traceReadStart(trace: Tracer, what: string): void {
  trace.event(`Executing ${what}`);
}

/** After a storage read: how much it found (cells before tombstones and expiry are applied). */
export function traceReadDone(trace: Tracer, partitions: readonly (Partition | null | undefined)[]): void {
  trace.event(`Read ${describeVolume(volumeOf(partitions))} from storage`);
}
