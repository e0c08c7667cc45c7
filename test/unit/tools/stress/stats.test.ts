import { expect } from 'chai';
import { LatencyRecorder } from '../../../../src/tools/stress/stats.js';

describe('LatencyRecorder', () => {
  it('gives nearest-rank percentiles, mean and max in milliseconds', () => {
    const rec = new LatencyRecorder();
    for (let us = 1000; us <= 100_000; us += 1000) rec.record(us); // 1..100 ms, recorded in order
    expect(rec.count).to.equal(100);
    expect(rec.percentileMs(50)).to.equal(50);
    expect(rec.percentileMs(95)).to.equal(95);
    expect(rec.percentileMs(99)).to.equal(99);
    expect(rec.percentileMs(100)).to.equal(100);
    expect(rec.percentileMs(0)).to.equal(1);
    expect(rec.meanMs()).to.equal(50.5);
    expect(rec.maxMs()).to.equal(100);
  });

  it('sorts samples recorded out of order and keeps more than its first allocation', () => {
    const rec = new LatencyRecorder();
    for (let i = 5000; i >= 1; i--) rec.record(i * 1000);
    expect(rec.count).to.equal(5000);
    expect(rec.percentileMs(50)).to.equal(2500);
    rec.record(10_000_000);
    expect(rec.maxMs()).to.equal(10_000);
    expect(rec.percentileMs(100)).to.equal(10_000);
  });

  it('reads NaN when empty, and is empty again after reset', () => {
    const rec = new LatencyRecorder();
    expect(rec.percentileMs(50)).to.be.NaN;
    rec.record(3000);
    rec.reset();
    expect(rec.count).to.equal(0);
    expect(rec.meanMs()).to.be.NaN;
    expect(rec.maxMs()).to.be.NaN;
    rec.record(7000);
    expect(rec.percentileMs(50)).to.equal(7);
  });
});
