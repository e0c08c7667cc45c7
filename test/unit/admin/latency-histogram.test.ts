import { expect } from 'chai';
import { LatencyHistogram } from '../../../src/admin/metrics/latency-histogram.js';

describe('LatencyHistogram', () => {
  it('reports zeros before anything is recorded', () => {
    expect(new LatencyHistogram().snapshot()).to.deep.equal({
      count: 0,
      percentilesUs: { '50': 0, '75': 0, '95': 0, '98': 0, '99': 0 },
      minUs: 0,
      maxUs: 0,
    });
  });

  it('reports each percentile as the upper bound of its bucket, as Cassandra EstimatedHistogram does', () => {
    const h = new LatencyHistogram();
    // Bucket bounds run 1, 2, ..., 8, 10, 12, 14, 17, 20, 24, 29, 35, 42, 50, 60, 72, 86, 103, ...
    for (let i = 0; i < 50; i++) h.record(9); // bucket ≤10
    for (let i = 0; i < 45; i++) h.record(50); // bucket ≤50
    for (let i = 0; i < 5; i++) h.record(100); // bucket ≤103
    expect(h.snapshot()).to.deep.equal({
      count: 100,
      percentilesUs: { '50': 10, '75': 50, '95': 50, '98': 103, '99': 103 },
      minUs: 9,
      maxUs: 103,
    });
  });

  it('rounds fractional microseconds up and counts values past the last bucket at the largest bound', () => {
    const h = new LatencyHistogram();
    h.record(0.2);
    h.record(1e15);
    const s = h.snapshot();
    expect(s.minUs).to.equal(0);
    expect(s.percentilesUs['50']).to.equal(1);
    expect(s.maxUs).to.be.greaterThan(1e9);
    expect(s.percentilesUs['99']).to.equal(s.maxUs);
  });
});
