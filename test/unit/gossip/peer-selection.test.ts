import { expect } from 'chai';
import { chooseGossipTargets } from '../../../src/gossip/peer-selection.js';

const SELF = 'n0:7000';

/** A random source that returns the given values in turn. */
function scripted(...values: number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error('random source exhausted');
    return values[i++]!;
  };
}

describe('chooseGossipTargets', () => {
  const cases: { name: string; live: string[]; unreachable: string[]; seeds: string[]; random: number[]; expected: string[] }[] = [
    { name: 'alone with no seeds: nobody', live: [], unreachable: [], seeds: [], random: [], expected: [] },
    { name: 'only itself as seed: nobody', live: [], unreachable: [], seeds: [SELF], random: [], expected: [] },
    { name: 'nothing live: always a seed', live: [], unreachable: [], seeds: ['s1:7000', 's2:7000'], random: [0.6], expected: ['s2:7000'] },
    { name: 'a live non-seed peer, seed lottery won', live: ['a:7000', 'b:7000'], unreachable: [], seeds: ['s1:7000'], random: [0.1, 0.5, 0], expected: ['a:7000', 's1:7000'] },
    { name: 'a live non-seed peer, seed lottery lost', live: ['a:7000', 'b:7000'], unreachable: [], seeds: ['s1:7000'], random: [0.9, 0.51], expected: ['b:7000'] },
    { name: 'a live seed and enough live peers: no extra seed', live: ['s1:7000', 'a:7000'], unreachable: [], seeds: ['s1:7000'], random: [0.1], expected: ['s1:7000'] },
    {
      name: 'an unreachable peer with probability unreachable / (live + 1)',
      live: ['a:7000'],
      unreachable: ['d:7000'],
      seeds: [],
      random: [0, 0.49, 0],
      expected: ['a:7000', 'd:7000'],
    },
    { name: 'the unreachable lottery lost', live: ['a:7000'], unreachable: ['d:7000'], seeds: [], random: [0, 0.5], expected: ['a:7000'] },
    {
      name: 'a seed picked twice is sent to once',
      live: [],
      unreachable: ['s1:7000'],
      seeds: ['s1:7000'],
      random: [0.2, 0, 0],
      expected: ['s1:7000'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(chooseGossipTargets({ self: SELF, live: c.live, unreachable: c.unreachable, seeds: c.seeds, random: scripted(...c.random) })).to.deep.equal(c.expected);
    });
  }
});
