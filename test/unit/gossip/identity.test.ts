import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { OffsetClock } from '../../../src/clock/offset-clock.js';
import { seededRandom } from '../../../src/clock/random.js';
import { ClockOffsetEstimator } from '../../../src/gossip/clock-offset.js';
import { loadOrCreateIdentity, nextGeneration, randomUuid } from '../../../src/gossip/identity.js';
import { MemoryMetaStore } from './harness.js';

describe('identity', () => {
  it('uses the clock for the generation and strictly increases it across restarts in the same second', async () => {
    const store = new MemoryMetaStore();
    const clock = new ManualClock(1_700_000_000_000_000);
    expect(await nextGeneration(store, clock)).to.equal(1_700_000_000);
    expect(await nextGeneration(store, clock)).to.equal(1_700_000_001);
    clock.advance(60_000);
    expect(await nextGeneration(store, clock)).to.equal(1_700_000_060);
    clock.set(1_600_000_000_000_000); // stepped back
    expect(await nextGeneration(store, clock)).to.equal(1_700_000_061);
  });

  it('makes version 4 uuids', () => {
    expect(randomUuid(seededRandom(1))).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps host id and tokens across restarts and allocates tokens only once', async () => {
    const store = new MemoryMetaStore();
    let allocations = 0;
    const allocate = () => {
      allocations++;
      return [-5n, 7n];
    };
    const first = await loadOrCreateIdentity(store, seededRandom(1), allocate);
    expect(first.allocated).to.equal(true);
    expect(first.tokens).to.deep.equal([-5n, 7n]);
    const second = await loadOrCreateIdentity(store, seededRandom(2), allocate);
    expect(second).to.deep.equal({ hostId: first.hostId, tokens: [-5n, 7n], allocated: false });
    expect(allocations).to.equal(1);
  });
});

describe('ClockOffsetEstimator', () => {
  it('takes the freshest (largest) recent sample', () => {
    const e = new ClockOffsetEstimator(3);
    expect(e.offsetMs()).to.equal(undefined);
    e.add(1000, 1010); // 10 ms old
    e.add(2000, 2001); // 1 ms old
    e.add(3000, 3300); // relayed, 300 ms old
    expect(e.offsetMs()).to.equal(-1);
    e.add(4000, 4050);
    e.add(5000, 5020);
    expect(e.offsetMs()).to.equal(-20); // the -1 sample left the window
  });
});

describe('OffsetClock', () => {
  it('runs its wall time a fixed offset from the inner clock and shares its timers', () => {
    const inner = new ManualClock(1_700_000_000_000_000);
    const skewed = new OffsetClock(inner, -1500);
    expect(skewed.nowMs()).to.equal(inner.nowMs() - 1500);
    expect(skewed.nowUs()).to.equal(inner.nowUs() - 1_500_000);
    expect(skewed.nowS()).to.equal(1_699_999_998);
    let fired = false;
    skewed.setTimeout(() => (fired = true), 10);
    inner.advance(10);
    expect(fired).to.equal(true);
  });
});
