/**
 * Turns a token range (start, end] of one table, and a paging position, into
 * the key ranges to iterate, in ring order. A range with start === end is
 * the whole ring; one with start > end wraps past the largest token, so it is
 * two key ranges: (start, MAX] and then [MIN, end].
 */
import { MAX_TOKEN, type TokenRange } from './model.js';
import { partitionEnd, partitionPrefix, tableEnd, tablePrefix, tokenBytes } from './keys.js';

export interface ScanOptions {
  /** Resume strictly after this partition. */
  after?: { token: bigint; key: Buffer };
  limitPartitions: number;
  /** Whether returned partitions keep their static row. */
  withStatic: boolean;
}

export interface KeySegment {
  gte: Buffer;
  lt: Buffer;
}

/** Keys of tokens in (after, before]: from the first key of token after+1 to the first of token before+1. */
function tokenSpan(tableId: string, afterToken: bigint | undefined, uptoToken: bigint | undefined): KeySegment {
  const table = tablePrefix(tableId);
  const gte = afterToken === undefined ? table : afterToken === MAX_TOKEN ? tableEnd(tableId) : Buffer.concat([table, tokenBytes(afterToken + 1n)]);
  const lt = uptoToken === undefined || uptoToken === MAX_TOKEN ? tableEnd(tableId) : Buffer.concat([table, tokenBytes(uptoToken + 1n)]);
  return { gte, lt };
}

export function scanSegments(tableId: string, range: TokenRange, after?: { token: bigint; key: Buffer }): KeySegment[] {
  let segments: KeySegment[];
  if (range.start === range.end) segments = [tokenSpan(tableId, undefined, undefined)];
  else if (range.start < range.end) segments = [tokenSpan(tableId, range.start, range.end)];
  else {
    segments = [tokenSpan(tableId, range.start, undefined), tokenSpan(tableId, undefined, range.end)];
    // Paging past the wrap point: the first segment lies wholly before `after` in ring order.
    if (after && after.token <= range.end) segments = segments.slice(1);
  }
  if (!after) return segments;
  const resume = partitionEnd(partitionPrefix(tableId, after.token, after.key));
  // `after` lies in the first remaining segment; later segments are wholly after it in ring order.
  const [first, ...rest] = segments;
  const resumed = Buffer.compare(resume, first!.gte) > 0 ? { gte: resume, lt: first!.lt } : first!;
  return [resumed, ...rest].filter((s) => Buffer.compare(s.gte, s.lt) < 0);
}
