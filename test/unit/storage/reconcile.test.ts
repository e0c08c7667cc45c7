import { expect } from 'chai';
import fc from 'fast-check';
import { compareCells, reconcile, reconcileDeletion } from '../../../src/storage/reconcile.js';
import { NO_DELETION_TIME, type Cell } from '../../../src/storage/model.js';

const cellArb: fc.Arbitrary<Cell> = fc.record({
  value: fc.option(fc.uint8Array({ maxLength: 3 }).map((a) => Buffer.from(a)), { nil: null }),
  timestampUs: fc.integer({ min: 0, max: 4 }),
  ttlS: fc.integer({ min: 0, max: 2 }),
  localDeletionTimeS: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(NO_DELETION_TIME)),
});
const deletionArb = fc.record({ timestampUs: fc.integer({ min: 0, max: 4 }), localDeletionTimeS: fc.integer({ min: 0, max: 3 }) });

describe('reconcile', () => {
  it('is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(cellArb, cellArb, cellArb, (a, b, c) => {
        expect(reconcile(a, b)).to.deep.equal(reconcile(b, a));
        expect(reconcile(reconcile(a, b), c)).to.deep.equal(reconcile(a, reconcile(b, c)));
        expect(reconcile(a, a)).to.equal(a);
      }),
      { numRuns: 2000 },
    );
  });

  it('is a total order: two cells compare equal only when identical', () => {
    fc.assert(
      fc.property(cellArb, cellArb, (a, b) => {
        expect(compareCells(a, b)).to.equal(-compareCells(b, a));
        if (compareCells(a, b) === 0) expect(a).to.deep.equal(b);
      }),
      { numRuns: 2000 },
    );
  });

  it('applies the rule in order: timestamp, tombstone, value bytes, deletion time, ttl', () => {
    const cell = (value: string | null, timestampUs: number, ttlS = 0, localDeletionTimeS = NO_DELETION_TIME): Cell => ({
      value: value === null ? null : Buffer.from(value),
      timestampUs,
      ttlS,
      localDeletionTimeS,
    });
    expect(reconcile(cell('a', 2), cell(null, 1, 0, 5)).value?.toString()).to.equal('a');
    expect(reconcile(cell('z', 2), cell(null, 2, 0, 5)).value).to.equal(null);
    expect(reconcile(cell('a', 2), cell('b', 2)).value?.toString()).to.equal('b');
    expect(reconcile(cell('a', 2, 10, 100), cell('a', 2)).localDeletionTimeS).to.equal(NO_DELETION_TIME);
    expect(reconcile(cell('a', 2, 10, 100), cell('a', 2, 20, 100)).ttlS).to.equal(20);
  });

  it('reconciles deletions by timestamp, then local deletion time, commutatively', () => {
    fc.assert(
      fc.property(deletionArb, deletionArb, (a, b) => {
        expect(reconcileDeletion(a, b)).to.deep.equal(reconcileDeletion(b, a));
      }),
    );
    expect(reconcileDeletion({ timestampUs: 2, localDeletionTimeS: 1 }, { timestampUs: 1, localDeletionTimeS: 9 })).to.deep.equal({
      timestampUs: 2,
      localDeletionTimeS: 1,
    });
  });
});
