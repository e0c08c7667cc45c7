import { expect } from 'chai';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { TokenRing } from '../../../src/ring/token-ring.js';
import { effectiveOwnership, naturalReplicas, rangesReplicatedBy, replicasByDc } from '../../../src/ring/replication.js';

const simple = (rf: number): ReplicationOptions => ({ class: 'SimpleStrategy', factors: { replication_factor: rf } });
const nts = (factors: Record<string, number>): ReplicationOptions => ({ class: 'NetworkTopologyStrategy', factors });

const four = TokenRing.of([
  { id: 'a', tokens: [10n], dc: 'dc1', rack: 'r1' },
  { id: 'b', tokens: [20n], dc: 'dc1', rack: 'r1' },
  { id: 'c', tokens: [30n], dc: 'dc1', rack: 'r1' },
  { id: 'd', tokens: [40n], dc: 'dc1', rack: 'r1' },
]);

// Two datacenters interleaved on the ring; dc1 has three racks, dc2 two.
const twoDc = TokenRing.of([
  { id: 'a', tokens: [10n], dc: 'dc1', rack: 'r1' },
  { id: 'x', tokens: [15n], dc: 'dc2', rack: 'r1' },
  { id: 'b', tokens: [20n], dc: 'dc1', rack: 'r1' },
  { id: 'y', tokens: [25n], dc: 'dc2', rack: 'r1' },
  { id: 'c', tokens: [30n], dc: 'dc1', rack: 'r2' },
  { id: 'z', tokens: [35n], dc: 'dc2', rack: 'r2' },
  { id: 'd', tokens: [40n], dc: 'dc1', rack: 'r2' },
  { id: 'e', tokens: [50n], dc: 'dc1', rack: 'r3' },
]);

describe('SimpleStrategy placement', () => {
  const cases: [bigint, number, string[]][] = [
    [5n, 3, ['a', 'b', 'c']],
    [10n, 3, ['a', 'b', 'c']],
    [11n, 3, ['b', 'c', 'd']],
    [35n, 3, ['d', 'a', 'b']],
    [41n, 3, ['a', 'b', 'c']],
    [35n, 1, ['d']],
    [35n, 9, ['d', 'a', 'b', 'c']],
  ];
  for (const [token, rf, expected] of cases) {
    it(`token ${token} at RF ${rf} goes to ${expected.join(', ')}`, () => {
      expect(naturalReplicas(four, simple(rf), token)).to.deep.equal(expected);
    });
  }

  it('skips further tokens of an endpoint already chosen', () => {
    const vnodes = TokenRing.of([
      { id: 'a', tokens: [10n, 20n], dc: 'dc1', rack: 'r1' },
      { id: 'b', tokens: [30n], dc: 'dc1', rack: 'r1' },
      { id: 'c', tokens: [40n], dc: 'dc1', rack: 'r1' },
    ]);
    expect(naturalReplicas(vnodes, simple(2), 5n)).to.deep.equal(['a', 'b']);
  });

  it('places nothing on an empty ring', () => {
    expect(naturalReplicas(TokenRing.empty(), simple(3), 5n)).to.deep.equal([]);
  });
});

describe('NetworkTopologyStrategy placement', () => {
  it('walks the ring per datacenter, preferring racks not yet used', () => {
    // dc1 (RF 3, three racks): a (r1), b skipped (r1 again), c (r2), d skipped (r2 again), e (r3).
    // dc2 (RF 2, two racks): x (r1), y skipped (r1 again), z (r2).
    expect(naturalReplicas(twoDc, nts({ dc1: 3, dc2: 2 }), 5n)).to.deep.equal(['a', 'x', 'c', 'z', 'e']);
    expect(naturalReplicas(twoDc, nts({ dc1: 3, dc2: 2 }), 45n)).to.deep.equal(['e', 'a', 'x', 'c', 'z']);
  });

  it('fills from used racks once the datacenter has fewer racks than its RF', () => {
    // dc2 has two racks and RF 3: one rack repeat is allowed, taken by the first skipped endpoint (y).
    expect(naturalReplicas(twoDc, nts({ dc2: 3 }), 5n)).to.deep.equal(['x', 'y', 'z']);
    const racks = TokenRing.of([
      { id: 'a', tokens: [10n], dc: 'dc1', rack: 'r1' },
      { id: 'b', tokens: [20n], dc: 'dc1', rack: 'r1' },
      { id: 'c', tokens: [30n], dc: 'dc1', rack: 'r1' },
      { id: 'd', tokens: [40n], dc: 'dc1', rack: 'r2' },
    ]);
    // RF 3 over racks {r1, r2}: one repeat of r1 (b), then d for r2; c is never needed.
    expect(naturalReplicas(racks, nts({ dc1: 3 }), 5n)).to.deep.equal(['a', 'b', 'd']);
    // Starting at c: c (r1), d (r2), then the one repeat: a.
    expect(naturalReplicas(racks, nts({ dc1: 3 }), 25n)).to.deep.equal(['c', 'd', 'a']);
  });

  it('an RF larger than a datacenter places on all of its nodes', () => {
    expect(naturalReplicas(twoDc, nts({ dc1: 1, dc2: 5 }), 5n)).to.deep.equal(['a', 'x', 'y', 'z']);
  });

  it('ignores datacenters without nodes and those with RF 0', () => {
    expect(naturalReplicas(twoDc, nts({ dc1: 0, dc2: 1, dc9: 3 }), 5n)).to.deep.equal(['x']);
  });

  it('groups replicas by datacenter', () => {
    const byDc = replicasByDc(twoDc, naturalReplicas(twoDc, nts({ dc1: 3, dc2: 2 }), 5n));
    expect([...byDc]).to.deep.equal([
      ['dc1', ['a', 'c', 'e']],
      ['dc2', ['x', 'z']],
    ]);
  });

  it('memoizes placements per ring and replication, by the primary range', () => {
    const r = nts({ dc1: 3, dc2: 2 });
    const first = naturalReplicas(twoDc, r, 1n);
    expect(naturalReplicas(twoDc, r, 7n)).to.equal(first);
    expect(naturalReplicas(twoDc, nts({ dc2: 2, dc1: 3 }), 9n)).to.equal(first);
    expect(naturalReplicas(twoDc, r, 11n)).not.to.equal(first);
  });
});

describe('effective ownership and replicated ranges', () => {
  it('with RF 3 on three nodes every node owns all data', () => {
    const three = four.withoutEndpoint('d');
    const own = effectiveOwnership(three, simple(3));
    expect([...own.values()]).to.deep.equal([1, 1, 1]);
  });

  it('sums to RF times the ring, each node holding its ranges and its predecessors', () => {
    const own = effectiveOwnership(four, simple(2));
    const total = [...own.values()].reduce((x, y) => x + y, 0);
    expect(total).to.be.closeTo(2, 1e-9);
    // a owns (40, 10] (almost all the ring) and replicates d's (30, 40].
    expect(own.get('a')).to.be.closeTo(1 - 30 / 2 ** 64, 1e-9);
    expect(own.get('c')).to.be.closeTo(20 / 2 ** 64, 1e-15);
  });

  it('lists every range an endpoint replicates', () => {
    expect(rangesReplicatedBy(four, simple(2), 'c')).to.deep.equal([
      { start: 10n, end: 20n },
      { start: 20n, end: 30n },
    ]);
  });
});
