/**
 * Which token ranges a repair covers, and who replicates each: the ranges
 * this node replicates for a keyspace, or only its primary ranges (-pr),
 * optionally cut down to one sub-range (-st/-et). Pure.
 */
import { naturalReplicas, rangesReplicatedBy } from '../ring/replication.js';
import type { EndpointId, TokenRing } from '../ring/token-ring.js';
import type { ReplicationOptions } from '../schema/table.js';
import { MAX_TOKEN, MIN_TOKEN, type TokenRange } from '../storage/model.js';

export interface RangeSelection {
  primaryRange: boolean;
  /** Repair only tokens in (startToken, endToken]. */
  subRange?: TokenRange;
}

export interface ReplicatedRange {
  range: TokenRange;
  replicas: readonly EndpointId[];
}

/** The ranges to repair from `self`'s point of view, each with its replicas, in ring order. */
export function rangesToRepair(ring: TokenRing, replication: ReplicationOptions, self: EndpointId, selection: RangeSelection): ReplicatedRange[] {
  if (ring.isEmpty()) return [];
  let ranges = selection.primaryRange ? ring.rangesOf(self) : rangesReplicatedBy(ring, replication, self);
  if (selection.subRange) {
    const sub = selection.subRange;
    ranges = ranges.flatMap((r) => intersect(r, sub));
  }
  return ranges.map((range) => ({ range, replicas: naturalReplicas(ring, replication, range.end) }));
}

/** The parts two ranges share, as ranges that do not wrap. */
export function intersect(a: TokenRange, b: TokenRange): TokenRange[] {
  const out: TokenRange[] = [];
  for (const x of unwrap(a)) {
    for (const y of unwrap(b)) {
      const start = x.start > y.start ? x.start : y.start;
      const end = x.end < y.end ? x.end : y.end;
      if (start < end) out.push({ start, end });
    }
  }
  return out;
}

/** A range as pieces (start, end] with start < end; MIN_TOKEN is never a key's token, so (MIN, e] loses nothing. */
function unwrap(r: TokenRange): TokenRange[] {
  if (r.start < r.end) return [r];
  const pieces: TokenRange[] = [];
  if (r.start < MAX_TOKEN) pieces.push({ start: r.start, end: MAX_TOKEN });
  if (r.end > MIN_TOKEN) pieces.push({ start: MIN_TOKEN, end: r.end });
  return pieces;
}
