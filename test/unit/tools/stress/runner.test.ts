import { expect } from 'chai';
import { ManualClock } from '../../../../src/clock/clock.js';
import type { OpKind } from '../../../../src/tools/stress/options.js';
import { progressHeader, progressLine, summary, clockTime } from '../../../../src/tools/stress/report.js';
import { runWorkload, type ProgressWindow } from '../../../../src/tools/stress/runner.js';
import { ValidationError, type Workload } from '../../../../src/tools/stress/workload.js';

/** Each operation takes exactly `opMs` of manual time; keys listed in `failing` fail validation. */
function fakeWorkload(clock: ManualClock, opMs: number, failing: (key: number) => boolean = () => false): Workload & { executed: number[] } {
  const executed: number[] = [];
  return {
    executed,
    plan: (i) => ({ kind: (i % 4 === 0 ? 'write' : 'read') as OpKind, key: i }),
    async execute(_kind, key) {
      executed.push(key);
      clock.advance(opMs);
      if (failing(key)) throw new ValidationError(`key ${key} not found`);
    },
  };
}

describe('stress runner', () => {
  it('runs exactly -n operations from all loops and records each latency per kind', async () => {
    const clock = new ManualClock();
    const w = fakeWorkload(clock, 2);
    const result = await runWorkload(clock, w, { ops: 40, durationMs: undefined, concurrency: 4, progressIntervalMs: 1000 }, { progress() {}, firstError() {} });
    expect(result.totalOps).to.equal(40);
    expect([...w.executed].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    expect(result.errors).to.equal(0);
    expect(result.latency.count).to.equal(40);
    expect(result.byKind.get('write')!.ops).to.equal(10);
    expect(result.byKind.get('read')!.ops).to.equal(30);
  });

  it('stops at the duration and reports windows that add up to the total', async () => {
    const clock = new ManualClock();
    const windows: ProgressWindow[] = [];
    const result = await runWorkload(
      clock,
      fakeWorkload(clock, 1),
      { ops: undefined, durationMs: 100, concurrency: 1, progressIntervalMs: 10 },
      { progress: (w) => windows.push({ ...w }), firstError() {} },
    );
    expect(result.totalOps).to.equal(100);
    expect(result.elapsedMs).to.equal(100);
    expect(result.latency.percentileMs(0)).to.equal(1);
    expect(result.latency.maxMs()).to.equal(1);
    expect(windows.length).to.be.at.least(10);
    expect(windows.reduce((sum, w) => sum + w.windowOps, 0)).to.equal(100);
    expect(windows[windows.length - 1]!.totalOps).to.equal(100);
  });

  it('counts errors by kind of failure and announces each kind once', async () => {
    const clock = new ManualClock();
    const announced: string[] = [];
    const result = await runWorkload(
      clock,
      fakeWorkload(clock, 1, (key) => key % 2 === 1),
      { ops: 10, durationMs: undefined, concurrency: 2, progressIntervalMs: 1000 },
      { progress() {}, firstError: (e) => announced.push(e) },
    );
    expect(result.totalOps).to.equal(10);
    expect(result.errors).to.equal(5);
    expect(result.latency.count).to.equal(5);
    expect([...result.errorCounts]).to.deep.equal([['ValidationError: key N not found', 5]]);
    expect(announced).to.deep.equal(['ValidationError: key N not found']);
  });
});

describe('stress report', () => {
  it('prints a progress line under its header, column for column', () => {
    const latency = { percentileMs: (p: number) => p / 100, maxMs: () => 2.5 } as unknown as ProgressWindow['latency'];
    const header = progressHeader();
    const line = progressLine({ elapsedMs: 2000, totalOps: 3000, windowOps: 1500, windowMs: 1000, latency, errors: 1 });
    expect(header).to.equal('  time s,  total ops,     op/s,   p50 ms,   p95 ms,   p99 ms,   max ms,  errors\n');
    expect(line).to.equal('     2.0,       3000,     1500,    0.500,    0.950,    0.990,      2.5,       1\n');
  });

  it('writes the Results block with rates per kind and the errors by kind', async () => {
    const clock = new ManualClock();
    const result = await runWorkload(
      clock,
      fakeWorkload(clock, 1000, (key) => key === 3),
      { ops: 8, durationMs: undefined, concurrency: 1, progressIntervalMs: 60_000 },
      { progress() {}, firstError() {} },
    );
    const text = summary(result);
    expect(text).to.contain('Results:\nOp rate                   : 1 op/s  [write: 0 op/s, read: 1 op/s]\n');
    expect(text).to.contain('Latency median            : 1000.0 ms\n');
    expect(text).to.contain('Total operations          : 8\nTotal errors              : 1\nTotal operation time      : 00:00:08\n');
    expect(text).to.contain('\nErrors:\n         1  ValidationError: key N not found\n');
  });

  it('prints the total operation time as hh:mm:ss', () => {
    expect(clockTime(3_723_400)).to.equal('01:02:03');
  });
});
