/** The nemesis schedule: drawn from the seed alone, so a seed replays the same faults. */
import { expect } from 'chai';
import { planNemesis } from '../../fault/chaos/nemesis.js';
import { Prng } from '../../fault/chaos/prng.js';

describe('chaos nemesis plan', () => {
  it('is the same for the same seed and differs for another', () => {
    const kinds = ['partition', 'kill', 'pause', 'skew'] as const;
    expect(planNemesis(7, kinds, 3, 120_000)).to.deep.equal(planNemesis(7, kinds, 3, 120_000));
    expect(planNemesis(7, kinds, 3, 120_000)).not.to.deep.equal(planNemesis(8, kinds, 3, 120_000));
  });

  it('injects one fault at a time, within the workload, leaving its last 3 s quiet, with partitions cutting off a minority', () => {
    for (const seed of [1, 2, 3, 99]) {
      const plan = planNemesis(seed, ['partition', 'kill', 'pause'], 5, 300_000);
      expect(plan.skew).to.equal(undefined);
      expect(plan.events.length).to.be.greaterThan(10);
      let freeAtMs = 0;
      for (const e of plan.events) {
        expect(e.atMs).to.be.at.least(freeAtMs);
        freeAtMs = e.atMs + e.durationMs;
        expect(freeAtMs).to.be.at.most(300_000 - 3000);
        expect(e.nodes.length).to.be.within(1, e.kind === 'partition' ? 2 : 1);
        for (const n of e.nodes) expect(n).to.be.within(1, 5);
      }
      expect(new Set(plan.events.map((e) => e.kind))).to.deep.equal(new Set(['partition', 'kill', 'pause']));
    }
  });

  it('skews one node by 200 to 900 ms, ahead or behind, when skew is asked for alone', () => {
    const plan = planNemesis(5, ['skew'], 3, 60_000);
    expect(plan.events).to.deep.equal([]);
    expect(plan.skew!.node).to.be.within(1, 3);
    expect(Math.abs(plan.skew!.offsetMs)).to.be.within(200, 900);
  });

  it('derives independent, reproducible streams from one seed', () => {
    const draw = (p: Prng) => Array.from({ length: 5 }, () => p.int(0, 1000));
    expect(draw(Prng.derive(3, 0))).to.deep.equal(draw(Prng.derive(3, 0)));
    expect(draw(Prng.derive(3, 0))).not.to.deep.equal(draw(Prng.derive(3, 1)));
  });
});
