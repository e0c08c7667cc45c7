import { expect } from 'chai';
import fc from 'fast-check';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { rangeContains, TokenRing } from '../../../src/ring/token-ring.js';
import { naturalReplicas, rangesNotReplicatedBy } from '../../../src/ring/replication.js';

const simple = (rf: number): ReplicationOptions => ({ class: 'SimpleStrategy', factors: { replication_factor: rf } });

const four = TokenRing.of([
  { id: 'a', tokens: [10n], dc: 'dc1', rack: 'r1' },
  { id: 'b', tokens: [20n], dc: 'dc1', rack: 'r1' },
  { id: 'c', tokens: [30n], dc: 'dc1', rack: 'r1' },
  { id: 'd', tokens: [40n], dc: 'dc1', rack: 'r1' },
]);

describe('ranges outside a node\'s ownership (cleanup)', () => {
  it('joins adjacent unowned ranges into one', () => {
    // RF 2: b holds its own (10,20] and the second copy of (40,10]; (20,40] is not its own.
    expect(rangesNotReplicatedBy(four, simple(2), 'b')).to.deep.equal([{ start: 20n, end: 40n }]);
  });

  it('joins the ranges either side of the wrap point into one wrapping range', () => {
    // c replicates (10,20] (as second copy) and (20,30]; everything from 30 round to 10 is not its own.
    expect(rangesNotReplicatedBy(four, simple(2), 'c')).to.deep.equal([{ start: 30n, end: 10n }]);
  });

  it('gives the ranges between owned ones apart when they do not touch', () => {
    const vnodes = TokenRing.of([
      { id: 'a', tokens: [10n, 30n], dc: 'dc1', rack: 'r1' },
      { id: 'b', tokens: [20n, 40n], dc: 'dc1', rack: 'r1' },
    ]);
    expect(rangesNotReplicatedBy(vnodes, simple(1), 'a')).to.deep.equal([
      { start: 10n, end: 20n },
      { start: 30n, end: 40n },
    ]);
  });

  it('is empty when the node replicates everything, and the whole ring when it replicates nothing', () => {
    expect(rangesNotReplicatedBy(four, simple(4), 'a')).to.deep.equal([]);
    expect(rangesNotReplicatedBy(four, simple(9), 'a')).to.deep.equal([]);
    expect(rangesNotReplicatedBy(four, simple(1), 'stranger')).to.deep.equal([{ start: 10n, end: 10n }]);
    expect(rangesNotReplicatedBy(TokenRing.empty(), simple(1), 'a')).to.deep.equal([]);
  });

  it('puts every token either among the ranges a node replicates or among those it does not, never both', () => {
    const token = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    fc.assert(
      fc.property(
        fc.uniqueArray(token, { minLength: 2, maxLength: 24 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(token, { minLength: 1, maxLength: 20 }),
        (tokens, rf, probes) => {
          const ids = ['a', 'b', 'c', 'd', 'e'];
          const ring = TokenRing.of(ids.map((id, i) => ({ id, tokens: tokens.filter((_, j) => j % ids.length === i), dc: 'dc1', rack: 'r1' })).filter((e) => e.tokens.length > 0));
          for (const id of ids) {
            const outside = rangesNotReplicatedBy(ring, simple(rf), id);
            for (const probe of [...probes, ...tokens]) {
              const replicated = naturalReplicas(ring, simple(rf), probe).includes(id);
              expect(outside.some((r) => rangeContains(r, probe))).to.equal(!replicated);
            }
          }
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});
