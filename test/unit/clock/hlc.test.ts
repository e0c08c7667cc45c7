import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { HybridLogicalClock } from '../../../src/clock/hlc.js';
import { timestampSkewWarning } from '../../../src/clock/skew.js';

const T0 = 1_700_000_000_000_000;

function setup(): { clock: ManualClock; hlc: HybridLogicalClock } {
  const clock = new ManualClock(T0);
  return { clock, hlc: new HybridLogicalClock({ clock, maxClockDriftMs: 5000 }) };
}

describe('HybridLogicalClock', () => {
  it('follows the wall clock while it moves forward', () => {
    const { clock, hlc } = setup();
    expect(hlc.now()).to.equal(T0);
    clock.advance(3);
    expect(hlc.now()).to.equal(T0 + 3000);
  });

  it('never repeats a timestamp within one microsecond of wall time', () => {
    const { hlc } = setup();
    expect([hlc.now(), hlc.now(), hlc.now()]).to.deep.equal([T0, T0 + 1, T0 + 2]);
  });

  it('keeps going forward when the wall clock steps back, until the wall clock catches up', () => {
    const { clock, hlc } = setup();
    clock.set(T0 + 10_000);
    expect(hlc.now()).to.equal(T0 + 10_000);
    clock.set(T0);
    expect(hlc.now()).to.equal(T0 + 10_001);
    expect(hlc.now()).to.equal(T0 + 10_002);
    clock.set(T0 + 20_000);
    expect(hlc.now()).to.equal(T0 + 20_000);
  });

  it('moves past a remote timestamp within max_clock_drift', () => {
    const { hlc } = setup();
    expect(hlc.observe(T0 + 4_000_000)).to.equal(undefined);
    expect(hlc.last()).to.equal(T0 + 4_000_000);
    expect(hlc.now()).to.equal(T0 + 4_000_001);
  });

  it('ignores a remote timestamp in the past', () => {
    const { hlc } = setup();
    hlc.now();
    expect(hlc.observe(T0 - 1_000_000)).to.equal(undefined);
    expect(hlc.now()).to.equal(T0 + 1);
  });

  it('refuses a remote timestamp beyond max_clock_drift and says so', () => {
    const { hlc } = setup();
    expect(hlc.observe(T0 + 5_200_000)).to.equal(
      `Ignored timestamp ${T0 + 5_200_000}: it is 5.2 s ahead of this node's clock (max_clock_drift is 5000 ms)`,
    );
    expect(hlc.now()).to.equal(T0);
  });
});

describe('timestamp_skew_warn', () => {
  it('warns about a client timestamp further ahead than the setting', () => {
    expect(timestampSkewWarning(T0 + 5_200_000, T0, 1000)).to.equal(
      `Timestamp ${T0 + 5_200_000} is 5.2 s in the future of this node's clock (timestamp_skew_warn is 1000 ms)`,
    );
  });

  it('is silent at exactly the setting, below it, and for past timestamps', () => {
    expect(timestampSkewWarning(T0 + 1_000_000, T0, 1000)).to.equal(undefined);
    expect(timestampSkewWarning(T0 + 999_999, T0, 1000)).to.equal(undefined);
    expect(timestampSkewWarning(T0 - 60_000_000, T0, 1000)).to.equal(undefined);
  });
});
