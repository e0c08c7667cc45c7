/**
 * Clustering ranges as intervals of storage order, so that every clustering
 * restriction (equalities, IN, slices, tuple relations, and the "resume after
 * this row" of paging) becomes a set of intervals and they combine by plain
 * intersection.
 *
 * A position sits either just before or just after every row that starts
 * with a clustering prefix. A slice's inclusive start on prefix P is "before
 * P"; an exclusive start is "after P"; an inclusive end is "after P"; an
 * exclusive end is "before P". The empty prefix covers every row.
 */
import type { ClusteringBound, Slice } from '../../storage/model.js';

export interface Position {
  prefix: Buffer[];
  side: -1 | 1;
}

/** A non-empty stretch of storage order, start < end. */
export interface Interval {
  start: Position;
  end: Position;
}

/** Compares the index-th clustering component of two prefixes in storage order (DESC columns reversed). */
export type ComponentComparator = (index: number, a: Buffer, b: Buffer) => number;

export const BEFORE_ALL: Position = { prefix: [], side: -1 };
export const AFTER_ALL: Position = { prefix: [], side: 1 };

export function comparePositions(cmp: ComponentComparator, a: Position, b: Position): number {
  const common = Math.min(a.prefix.length, b.prefix.length);
  for (let i = 0; i < common; i++) {
    const c = cmp(i, a.prefix[i]!, b.prefix[i]!);
    if (c !== 0) return c;
  }
  // One prefix contains the other: the shorter one's rows include the longer one's.
  if (a.prefix.length < b.prefix.length) return a.side;
  if (a.prefix.length > b.prefix.length) return -b.side;
  return a.side - b.side;
}

/** Where a full clustering (a row) lies relative to a position: -1 before it, 1 after it. */
export function rowSideOf(cmp: ComponentComparator, row: Buffer[], pos: Position): -1 | 1 {
  for (let i = 0; i < pos.prefix.length; i++) {
    const c = cmp(i, row[i]!, pos.prefix[i]!);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return pos.side === -1 ? 1 : -1;
}

export function rowInIntervals(cmp: ComponentComparator, row: Buffer[], intervals: Interval[]): boolean {
  return intervals.some((iv) => rowSideOf(cmp, row, iv.start) === 1 && rowSideOf(cmp, row, iv.end) === -1);
}

/** Every row starting with `prefix`. */
export function prefixInterval(prefix: Buffer[]): Interval {
  return { start: { prefix, side: -1 }, end: { prefix, side: 1 } };
}

/** Sorts, drops empty intervals and merges overlapping or touching ones. */
export function normalize(cmp: ComponentComparator, intervals: Interval[]): Interval[] {
  const live = intervals.filter((iv) => comparePositions(cmp, iv.start, iv.end) < 0);
  live.sort((x, y) => comparePositions(cmp, x.start, y.start));
  const out: Interval[] = [];
  for (const iv of live) {
    const last = out[out.length - 1];
    if (last && comparePositions(cmp, iv.start, last.end) <= 0) {
      if (comparePositions(cmp, iv.end, last.end) > 0) last.end = iv.end;
    } else {
      out.push({ start: iv.start, end: iv.end });
    }
  }
  return out;
}

export function intersect(cmp: ComponentComparator, a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = comparePositions(cmp, x.start, y.start) >= 0 ? x.start : y.start;
      const end = comparePositions(cmp, x.end, y.end) <= 0 ? x.end : y.end;
      out.push({ start, end });
    }
  }
  return normalize(cmp, out);
}

/** The storage slice an interval reads. */
export function toSlice(iv: Interval): Slice {
  const start: ClusteringBound = { prefix: iv.start.prefix, inclusive: iv.start.side === -1 };
  const end: ClusteringBound = { prefix: iv.end.prefix, inclusive: iv.end.side === 1 };
  return { start, end };
}

/** The one interval covering everything, which reads as "no slices" (the whole partition). */
export function isEverything(intervals: Interval[]): boolean {
  if (intervals.length !== 1) return false;
  const iv = intervals[0]!;
  return iv.start.prefix.length === 0 && iv.start.side === -1 && iv.end.prefix.length === 0 && iv.end.side === 1;
}
