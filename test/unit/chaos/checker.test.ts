/**
 * The chaos checker on hand-made histories: each test builds the few
 * operations that show (or must not show) a violation, and asserts exactly
 * what the checker reports.
 */
import { expect } from 'chai';
import { blockFor, checkHistory, readsSeeAcknowledgedWrites } from '../../fault/chaos/checker.js';
import type { Observed, Outcome, ReadOperation, WriteOperation } from '../../fault/chaos/history.js';
import { formatViolation } from '../../fault/chaos/chaos.js';

let nextId = 0;
function write(key: number, value: string, timestampUs: number, startMs: number, endMs: number, outcome: Outcome = 'ok'): WriteOperation {
  return { kind: 'write', id: nextId++, client: 0, node: 1, key, value, timestampUs, startMs, endMs, outcome };
}
function read(key: number, observed: Observed | null, startMs: number, endMs: number): ReadOperation {
  return { kind: 'read', id: nextId++, client: 1, node: 2, key, startMs, endMs, outcome: 'ok', observed };
}
const seen = (value: string, timestampUs: number): Observed => ({ value, timestampUs });

describe('chaos checker', () => {
  beforeEach(() => {
    nextId = 0;
  });

  it('passes a history where every read sees the newest acknowledged write', () => {
    const history = [write(1, 'a', 100, 0, 10), read(1, seen('a', 100), 11, 12), write(1, 'b', 200, 20, 30), read(1, seen('b', 200), 31, 35)];
    const report = checkHistory(history, { staleReadsAreViolations: true, finalState: new Map([[1, seen('b', 200)]]) });
    expect(report).to.deep.equal({ violations: [], okReads: 2, staleReads: 0, staleReadPercent: 0, lostWrites: 0, phantomReads: 0 });
  });

  it('reports a stale read with the write that proves it and the write it saw', () => {
    const a = write(1, 'a', 100, 0, 10);
    const b = write(1, 'b', 200, 20, 30);
    const stale = read(1, seen('a', 100), 31, 40);
    const report = checkHistory([a, b, stale], { staleReadsAreViolations: true });
    expect(report.staleReads).to.equal(1);
    expect(report.staleReadPercent).to.equal(100);
    expect(report.violations).to.deep.equal([
      {
        kind: 'stale-read',
        key: 1,
        message: 'read 2 of key 1 began after write 1 (ts 200) was acknowledged, but returned ts 100',
        evidence: [a, b, stale],
      },
    ]);
    expect(formatViolation(42, report.violations[0]!)).to.equal(
      [
        'stale-read (seed 42): read 2 of key 1 began after write 1 (ts 200) was acknowledged, but returned ts 100',
        '  [0.000 → 0.010 s] client 0 via node 1: write k=1 v=a ts=100  ok',
        '  [0.020 → 0.030 s] client 0 via node 1: write k=1 v=b ts=200  ok',
        '  [0.031 → 0.040 s] client 1 via node 2: read  k=1 → v=a ts=100  ok',
      ].join('\n'),
    );
  });

  it('counts a stale read without calling it a violation when W + R <= N', () => {
    const history = [write(1, 'a', 100, 0, 10), read(1, null, 11, 12), read(1, seen('a', 100), 13, 14)];
    const report = checkHistory(history, { staleReadsAreViolations: false });
    expect([report.violations, report.staleReads, report.okReads, report.staleReadPercent]).to.deep.equal([[], 1, 2, 50]);
  });

  it('does not call a read stale when it overlaps the write it missed', () => {
    // The write was acknowledged after the read began: either answer is allowed.
    const history = [write(1, 'a', 100, 0, 10), read(1, null, 5, 12)];
    expect(checkHistory(history, { staleReadsAreViolations: true }).violations).to.deep.equal([]);
  });

  it('accepts an unknown write that later appears, in reads and in the final state', () => {
    const acked = write(1, 'a', 100, 0, 10);
    const timedOut = write(1, 'b', 200, 20, 2020, 'unknown');
    const history = [acked, timedOut, read(1, seen('b', 200), 3000, 3010)];
    const report = checkHistory(history, { staleReadsAreViolations: true, finalState: new Map([[1, seen('b', 200)]]) });
    expect(report.violations).to.deep.equal([]);
  });

  it('reports a lost write when the final state is older than an acknowledged write', () => {
    const a = write(1, 'a', 100, 0, 10);
    const b = write(1, 'b', 200, 20, 30);
    const report = checkHistory([a, b], { staleReadsAreViolations: true, finalState: new Map([[1, seen('a', 100)]]) });
    expect(report.lostWrites).to.equal(1);
    expect(report.violations).to.deep.equal([
      {
        kind: 'lost-write',
        key: 1,
        message: 'write 1 of key 1 (ts 200) was acknowledged, but after healing and repair the key holds v=a ts 100',
        evidence: [a, b],
      },
    ]);
  });

  it('reports a lost write when an acknowledged key reads as no row', () => {
    const a = write(3, 'a', 100, 0, 10);
    const report = checkHistory([a], { staleReadsAreViolations: false, finalState: new Map() });
    expect(report.violations.map((v) => [v.kind, v.message])).to.deep.equal([
      ['lost-write', 'write 0 of key 3 (ts 100) was acknowledged, but after healing and repair the key holds no row'],
    ]);
  });

  it('reports phantom reads: a value never written, a wrong write time, a definitely failed write, a write from the future', () => {
    const failed = write(1, 'f', 300, 0, 1, 'failed');
    const late = write(1, 'l', 400, 50, 60);
    const history = [
      failed,
      late,
      read(1, seen('nobody', 5), 2, 3),
      read(1, seen('l', 401), 70, 71),
      read(1, seen('f', 300), 4, 5),
      read(1, seen('l', 400), 10, 20),
    ];
    const report = checkHistory(history, { staleReadsAreViolations: false });
    expect(report.phantomReads).to.equal(4);
    expect(report.violations.map((v) => v.message)).to.deep.equal([
      'read 2 of key 1 returned v=nobody, which no write wrote',
      'read 3 of key 1 returned v=l with ts 401, but it was written with ts 400',
      'read 4 of key 1 returned v=f, whose write definitely failed',
      'read 5 of key 1 returned v=l, whose write began after the read ended',
    ]);
  });

  it('ignores reads that failed or timed out', () => {
    const history = [write(1, 'a', 100, 0, 10), { ...read(1, null, 11, 12), outcome: 'unknown' as const, observed: undefined }];
    const report = checkHistory(history, { staleReadsAreViolations: true });
    expect([report.violations, report.okReads]).to.deep.equal([[], 0]);
  });
});

describe('consistency arithmetic of the chaos run', () => {
  it('requires reads to see acknowledged writes exactly when W + R > N and no write is sloppy', () => {
    expect(blockFor('QUORUM', 3)).to.deep.equal({ count: 2, sloppy: false });
    expect(readsSeeAcknowledgedWrites('QUORUM', 'QUORUM', 3)).to.equal(true);
    expect(readsSeeAcknowledgedWrites('ALL', 'ONE', 3)).to.equal(true);
    expect(readsSeeAcknowledgedWrites('ONE', 'ONE', 3)).to.equal(false);
    expect(readsSeeAcknowledgedWrites('ONE', 'QUORUM', 3)).to.equal(false);
    expect(readsSeeAcknowledgedWrites('ANY', 'ALL', 3)).to.equal(false);
  });
});
