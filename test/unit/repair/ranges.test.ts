import { expect } from 'chai';
import { intersect, rangesToRepair } from '../../../src/repair/ranges.js';
import { TokenRing } from '../../../src/ring/token-ring.js';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { MAX_TOKEN, MIN_TOKEN } from '../../../src/storage/model.js';

const ring = TokenRing.of([
  { id: 'a', tokens: [10n], dc: 'dc1', rack: 'r1' },
  { id: 'b', tokens: [20n], dc: 'dc1', rack: 'r1' },
  { id: 'c', tokens: [30n], dc: 'dc1', rack: 'r1' },
  { id: 'd', tokens: [40n], dc: 'dc1', rack: 'r1' },
]);
const rf2: ReplicationOptions = { class: 'SimpleStrategy', factors: { replication_factor: 2 } };

describe('ranges a repair covers', () => {
  it('takes every range the node replicates, each with its replicas', () => {
    expect(rangesToRepair(ring, rf2, 'b', { primaryRange: false })).to.deep.equal([
      { range: { start: 40n, end: 10n }, replicas: ['a', 'b'] },
      { range: { start: 10n, end: 20n }, replicas: ['b', 'c'] },
    ]);
  });

  it('with -pr takes only the ranges the node is primary owner of', () => {
    expect(rangesToRepair(ring, rf2, 'b', { primaryRange: true })).to.deep.equal([{ range: { start: 10n, end: 20n }, replicas: ['b', 'c'] }]);
  });

  it('with -st/-et cuts the ranges down to the sub-range, keeping each piece\'s replicas', () => {
    expect(rangesToRepair(ring, rf2, 'b', { primaryRange: false, subRange: { start: 5n, end: 15n } })).to.deep.equal([
      { range: { start: 5n, end: 10n }, replicas: ['a', 'b'] },
      { range: { start: 10n, end: 15n }, replicas: ['b', 'c'] },
    ]);
  });

  it('covers nothing on an empty ring', () => {
    expect(rangesToRepair(TokenRing.empty(), rf2, 'b', { primaryRange: false })).to.deep.equal([]);
  });

  const cases: [string, [bigint, bigint], [bigint, bigint], [bigint, bigint][]][] = [
    ['disjoint ranges', [0n, 10n], [20n, 30n], []],
    ['ranges touching at an end', [0n, 10n], [10n, 30n], []],
    ['overlapping ranges', [0n, 20n], [10n, 30n], [[10n, 20n]]],
    ['two wrapping ranges', [30n, 10n], [35n, 5n], [[35n, MAX_TOKEN], [MIN_TOKEN, 5n]]],
    ['the whole ring and a range', [7n, 7n], [10n, 30n], [[10n, 30n]]],
  ];
  for (const [name, a, b, expected] of cases) {
    it(`intersects ${name}`, () => {
      expect(intersect({ start: a[0], end: a[1] }, { start: b[0], end: b[1] })).to.deep.equal(expected.map(([start, end]) => ({ start, end })));
    });
  }
});
