import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { FailureDetector, MAX_LOCAL_PAUSE_MS, PHI_FACTOR } from '../../../src/gossip/failure-detector.js';

const P = '127.0.0.2:7000';

function detector(threshold = 8, initialIntervalMs = 2000, windowSize?: number): FailureDetector {
  return new FailureDetector({ phiConvictThreshold: () => threshold, initialIntervalMs, ...(windowSize ? { windowSize } : {}) });
}

describe('FailureDetector', () => {
  it('has no suspicion of a peer never heard from', () => {
    const fd = detector();
    expect(fd.phi(P, 1_000_000)).to.equal(0);
    expect(fd.isAlive(P, 1_000_000)).to.equal(true);
  });

  it('computes phi as PHI_FACTOR × silence / mean interval', () => {
    const clock = new ManualClock();
    const fd = detector();
    // First arrival seeds the window with the initial 2000 ms; then two 1000 ms intervals: mean = 4000 / 3.
    fd.report(P, clock.nowMs());
    for (const step of [1000, 1000]) {
      clock.advance(step);
      fd.report(P, clock.nowMs());
    }
    expect(fd.meanIntervalMs(P)).to.equal(4000 / 3);
    const table: [number, number][] = [
      [0, 0],
      [1000, (PHI_FACTOR * 1000) / (4000 / 3)],
      [10_000, (PHI_FACTOR * 10_000) / (4000 / 3)],
    ];
    for (const [silentMs, phi] of table) {
      expect(fd.phi(P, clock.nowMs() + silentMs)).to.be.closeTo(phi, 1e-12);
    }
  });

  it('convicts once phi passes the threshold, and not before', () => {
    const clock = new ManualClock();
    const fd = detector(8, 1000);
    fd.report(P, clock.nowMs());
    for (let i = 0; i < 20; i++) {
      clock.advance(1000);
      fd.report(P, clock.nowMs());
    }
    // Every interval is 1000 ms, so conviction comes after 8 / PHI_FACTOR seconds of silence (about 18.4 s).
    const limitMs = 8 / PHI_FACTOR * 1000;
    expect(fd.isAlive(P, clock.nowMs() + Math.floor(limitMs))).to.equal(true);
    expect(fd.isAlive(P, clock.nowMs() + Math.ceil(limitMs) + 1)).to.equal(false);
  });

  it('reads the threshold at each decision', () => {
    let threshold = 8;
    const fd = new FailureDetector({ phiConvictThreshold: () => threshold, initialIntervalMs: 1000 });
    fd.report(P, 0);
    expect(fd.isAlive(P, 5000)).to.equal(true);
    threshold = 1;
    expect(fd.isAlive(P, 5000)).to.equal(false);
  });

  it('does not record intervals longer than the initial interval', () => {
    const fd = detector(8, 1000);
    fd.report(P, 0);
    fd.report(P, 60_000); // a partition: ignored
    fd.report(P, 60_500);
    expect(fd.meanIntervalMs(P)).to.equal(750);
  });

  it('keeps only the newest intervals in its window', () => {
    const fd = detector(8, 1000, 3);
    let t = 0;
    fd.report(P, t);
    for (const step of [100, 200, 300, 400]) fd.report(P, (t += step));
    expect(fd.meanIntervalMs(P)).to.equal(300);
  });

  it('forgets a peer on remove', () => {
    const fd = detector();
    fd.report(P, 0);
    fd.remove(P);
    expect(fd.phi(P, 100_000)).to.equal(0);
    expect(fd.meanIntervalMs(P)).to.equal(undefined);
  });

  it('suspends convictions after a local pause until a pause length has passed', () => {
    const fd = detector();
    expect(fd.mayConvict(0)).to.equal(true);
    expect(fd.mayConvict(1000)).to.equal(true);
    expect(fd.mayConvict(1000 + MAX_LOCAL_PAUSE_MS + 1)).to.equal(false);
    expect(fd.mayConvict(2000 + MAX_LOCAL_PAUSE_MS + 1)).to.equal(false);
    expect(fd.mayConvict(1000 + 2 * MAX_LOCAL_PAUSE_MS + 1)).to.equal(true);
  });
});
