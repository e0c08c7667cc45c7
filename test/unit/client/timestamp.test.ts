import { expect } from 'chai';
import fc from 'fast-check';
import { ManualClock } from '../../../src/clock/clock.js';
import { MonotonicTimestampGenerator } from '../../../src/client/timestamp.js';

describe('MonotonicTimestampGenerator', () => {
  it('follows the clock while it moves forward', () => {
    const clock = new ManualClock(1_000_000);
    const gen = new MonotonicTimestampGenerator(clock);
    expect(gen.next()).to.equal(1_000_000);
    clock.set(1_000_500);
    expect(gen.next()).to.equal(1_000_500);
  });

  it('adds 1 µs on ties and while the clock is behind, then follows it again', () => {
    const clock = new ManualClock(5_000);
    const gen = new MonotonicTimestampGenerator(clock);
    expect([gen.next(), gen.next(), gen.next()]).to.deep.equal([5_000, 5_001, 5_002]);
    clock.set(1_000);
    expect([gen.next(), gen.next()]).to.deep.equal([5_003, 5_004]);
    clock.set(9_000);
    expect(gen.next()).to.equal(9_000);
  });

  it('never repeats or decreases under any sequence of clock jumps', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 52 }), { minLength: 1, maxLength: 200 }), (readings) => {
        const clock = new ManualClock(0);
        const gen = new MonotonicTimestampGenerator(clock);
        let last = -Infinity;
        for (const us of readings) {
          clock.set(us);
          const ts = gen.next();
          expect(ts).to.be.greaterThan(last);
          expect(ts).to.be.at.least(us);
          last = ts;
        }
      }),
    );
  });
});
