/**
 * The consistency checker: pure functions over a recorded history and the
 * final state of every key, so hand-made histories test it (test/unit).
 *
 * What it checks:
 * - every value a read returns was written, with that write's timestamp, by
 *   a write that had started and did not definitely fail (no phantom reads);
 * - no stale reads: a read returning write time T is stale when some write
 *   acknowledged before the read began has a greater timestamp. With
 *   W + R > N and no sloppy write this must never happen; otherwise the
 *   checker only counts them (the stale-read percentage);
 * - no lost writes: once faults healed and repair ran, every key's final
 *   write time is at least the greatest timestamp of its acknowledged
 *   writes, and its final value is a write that may have applied.
 *
 * Write timestamps come from one client-side generator, unique across the
 * run, so "at least as new" is a comparison of write times.
 */
import type { Observed, Operation, ReadOperation, WriteOperation } from './history.js';

export type ViolationKind = 'stale-read' | 'lost-write' | 'phantom-read';

export interface Violation {
  kind: ViolationKind;
  key: number;
  message: string;
  /** The shortest sub-history that shows the violation, in start order. */
  evidence: Operation[];
}

export interface CheckOptions {
  /** Whether a stale read is a violation (W + R > N, no ANY) or only counted. */
  staleReadsAreViolations: boolean;
  /** What a read at ALL returned for each key after healing and repair; absent: the lost-write check is skipped. */
  finalState?: ReadonlyMap<number, Observed | null>;
}

export interface CheckReport {
  violations: Violation[];
  okReads: number;
  staleReads: number;
  /** Stale reads per 100 acknowledged reads. */
  staleReadPercent: number;
  /** Keys whose final value lost an acknowledged write. */
  lostWrites: number;
  phantomReads: number;
}

export function checkHistory(history: readonly Operation[], options: CheckOptions): CheckReport {
  const violations: Violation[] = [];
  const writesByValue = new Map<string, WriteOperation>();
  const byKey = new Map<number, { writes: WriteOperation[]; reads: ReadOperation[] }>();
  for (const op of history) {
    let entry = byKey.get(op.key);
    if (!entry) byKey.set(op.key, (entry = { writes: [], reads: [] }));
    if (op.kind === 'write') {
      entry.writes.push(op);
      writesByValue.set(op.value, op);
    } else if (op.outcome === 'ok') {
      entry.reads.push(op);
    }
  }

  let okReads = 0;
  let staleReads = 0;
  let phantomReads = 0;
  for (const [key, { writes, reads }] of byKey) {
    okReads += reads.length;
    for (const read of reads) {
      const phantom = phantomOf(read.observed ?? null, writesByValue, read.endMs);
      if (phantom) {
        phantomReads++;
        violations.push({ kind: 'phantom-read', key, message: `read ${read.id} of key ${key} ${phantom.reason}`, evidence: sortByStart([...(phantom.write ? [phantom.write] : []), read]) });
      }
    }
    // Sweep reads by start time, keeping the newest write acknowledged before each read began.
    const acked = writes.filter((w) => w.outcome === 'ok').sort((a, b) => a.endMs - b.endMs);
    let next = 0;
    let newest: WriteOperation | undefined;
    for (const read of [...reads].sort((a, b) => a.startMs - b.startMs)) {
      while (next < acked.length && acked[next]!.endMs < read.startMs) {
        const w = acked[next++]!;
        if (!newest || w.timestampUs > newest.timestampUs) newest = w;
      }
      const seenUs = read.observed ? read.observed.timestampUs : -Infinity;
      if (newest && newest.timestampUs > seenUs) {
        staleReads++;
        if (options.staleReadsAreViolations) {
          const seen = read.observed ? writesByValue.get(read.observed.value) : undefined;
          violations.push({
            kind: 'stale-read',
            key,
            message:
              `read ${read.id} of key ${key} began after write ${newest.id} (ts ${newest.timestampUs}) was acknowledged, ` +
              `but returned ${read.observed ? `ts ${read.observed.timestampUs}` : 'no row'}`,
            evidence: sortByStart([newest, ...(seen && seen !== newest ? [seen] : []), read]),
          });
        }
      }
    }
  }

  let lostWrites = 0;
  if (options.finalState) {
    for (const [key, { writes }] of byKey) {
      const newestAcked = writes.filter((w) => w.outcome === 'ok').reduce<WriteOperation | undefined>((a, w) => (!a || w.timestampUs > a.timestampUs ? w : a), undefined);
      const final = options.finalState.has(key) ? options.finalState.get(key)! : null;
      const finalWrite = final ? writesByValue.get(final.value) : undefined;
      const phantom = phantomOf(final, writesByValue, Infinity);
      if (phantom) {
        phantomReads++;
        violations.push({ kind: 'phantom-read', key, message: `the final read of key ${key} ${phantom.reason}`, evidence: phantom.write ? [phantom.write] : [] });
      }
      if (newestAcked && (!final || final.timestampUs < newestAcked.timestampUs)) {
        lostWrites++;
        violations.push({
          kind: 'lost-write',
          key,
          message:
            `write ${newestAcked.id} of key ${key} (ts ${newestAcked.timestampUs}) was acknowledged, but after healing and repair ` +
            `the key holds ${final ? `v=${final.value} ts ${final.timestampUs}` : 'no row'}`,
          evidence: sortByStart([newestAcked, ...(finalWrite && finalWrite !== newestAcked ? [finalWrite] : [])]),
        });
      }
    }
  }

  return {
    violations,
    okReads,
    staleReads,
    staleReadPercent: okReads === 0 ? 0 : (100 * staleReads) / okReads,
    lostWrites,
    phantomReads,
  };
}

/** Why an observed value cannot have been read, or undefined when it can. */
function phantomOf(
  observed: Observed | null,
  writesByValue: ReadonlyMap<string, WriteOperation>,
  readEndMs: number,
): { reason: string; write?: WriteOperation } | undefined {
  if (!observed) return undefined;
  const write = writesByValue.get(observed.value);
  if (!write) return { reason: `returned v=${observed.value}, which no write wrote` };
  if (write.timestampUs !== observed.timestampUs) return { reason: `returned v=${observed.value} with ts ${observed.timestampUs}, but it was written with ts ${write.timestampUs}`, write };
  if (write.outcome === 'failed') return { reason: `returned v=${observed.value}, whose write definitely failed`, write };
  if (write.startMs > readEndMs) return { reason: `returned v=${observed.value}, whose write began after the read ended`, write };
  return undefined;
}

function sortByStart(ops: Operation[]): Operation[] {
  return ops.sort((a, b) => a.startMs - b.startMs || a.id - b.id);
}

/** How many replicas a consistency level waits for, out of `rf`, and whether it is sloppy (ANY). */
export function blockFor(level: string, rf: number): { count: number; sloppy: boolean } {
  switch (level) {
    case 'ANY':
      return { count: 1, sloppy: true };
    case 'ONE':
    case 'LOCAL_ONE':
      return { count: 1, sloppy: false };
    case 'TWO':
      return { count: 2, sloppy: false };
    case 'THREE':
      return { count: 3, sloppy: false };
    case 'QUORUM':
    case 'LOCAL_QUORUM':
    case 'EACH_QUORUM':
      return { count: Math.floor(rf / 2) + 1, sloppy: false };
    case 'ALL':
      return { count: rf, sloppy: false };
    default:
      throw new Error(`unknown consistency level ${level}`);
  }
}

/** Whether reads at `readLevel` must see every write acknowledged at `writeLevel` (W + R > N, no sloppy write). */
export function readsSeeAcknowledgedWrites(writeLevel: string, readLevel: string, rf: number): boolean {
  const w = blockFor(writeLevel, rf);
  const r = blockFor(readLevel, rf);
  return !w.sloppy && w.count + r.count > rf;
}
