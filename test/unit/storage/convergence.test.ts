import { expect } from 'chai';
import fc from 'fast-check';
import { encodePartitionCanonical, partitionDigest } from '../../../src/storage/digest.js';
import type { Cell, DeletionTime, Partition, RangeTombstone, Row } from '../../../src/storage/model.js';
import { ENGINES, LAYOUT, ck, int, partition } from './fixtures.js';

/** Small domains so mutations collide on the same cells, rows and ranges. */
const ts = fc.integer({ min: 1, max: 5 });
const deletion: fc.Arbitrary<DeletionTime> = fc.record({ timestampUs: ts, localDeletionTimeS: fc.integer({ min: 100, max: 102 }) });
const cell: fc.Arbitrary<Cell> = fc.oneof(
  fc.record({ value: fc.constantFrom('a', 'b').map((s) => Buffer.from(s)), timestampUs: ts, ttlS: fc.constant(0), localDeletionTimeS: fc.constant(0x7fffffff) }),
  fc.record({ value: fc.constantFrom('a', 'b').map((s) => Buffer.from(s)), timestampUs: ts, ttlS: fc.constant(10), localDeletionTimeS: fc.integer({ min: 50, max: 51 }) }),
  fc.record({ value: fc.constant(null), timestampUs: ts, ttlS: fc.constant(0), localDeletionTimeS: fc.integer({ min: 100, max: 102 }) }),
);
const clustering = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom('x', 'y')).map(([a, b]) => ck(a, b));
const rowArb: fc.Arbitrary<Row> = fc.record({
  clustering,
  isStatic: fc.boolean(),
  marker: fc.option(cell.filter((c) => c.value !== null).map((c) => ({ ...c, value: Buffer.alloc(0) })), { nil: undefined }),
  deletion: fc.option(deletion, { nil: undefined }),
  collectionDeletions: fc.option(deletion.map((d) => [{ column: 'tags', deletion: d }]), { nil: [] }),
  cells: fc.uniqueArray(
    fc.record({ column: fc.constantFrom('v', 'tags'), path: fc.constantFrom('p', 'q'), cell }).map((c) =>
      c.column === 'v' ? { column: 'v', cell: c.cell } : { column: 'tags', path: Buffer.from(c.path), cell: c.cell },
    ),
    { selector: (c) => `${c.column}/${c.path?.toString() ?? ''}`, maxLength: 3 },
  ).map((cells) => cells.sort((a, b) => (a.column + (a.path?.toString() ?? '')).localeCompare(b.column + (b.path?.toString() ?? '')))),
}).map((r) => {
  const out: Row = { clustering: r.isStatic ? [] : r.clustering, isStatic: r.isStatic, collectionDeletions: r.collectionDeletions, cells: r.cells };
  if (r.marker && !r.isStatic) out.marker = r.marker;
  if (r.deletion) out.deletion = r.deletion;
  return out;
});
const rangeTombstone: fc.Arbitrary<RangeTombstone> = fc.record({
  start: fc.record({ prefix: fc.constantFrom([], [int(0)], ck(1, 'x')), inclusive: fc.boolean() }),
  end: fc.record({ prefix: fc.constantFrom([], [int(1)], [int(2)]), inclusive: fc.boolean() }),
  deletion,
});
const mutation: fc.Arbitrary<Partition> = fc
  .record({
    key: fc.integer({ min: 1, max: 2 }),
    deletion: fc.option(deletion, { nil: undefined }),
    rangeTombstones: fc.array(rangeTombstone, { maxLength: 1 }),
    rows: fc.uniqueArray(rowArb, { selector: (r) => (r.isStatic ? 'static' : r.clustering.map((b) => b.toString('hex')).join()), maxLength: 2 }),
  })
  .map((m) => {
    const p = partition(m.key, { rangeTombstones: m.rangeTombstones, rows: m.rows.sort((a, b) => (a.isStatic ? -1 : b.isStatic ? 1 : 0)) });
    if (m.deletion) p.deletion = m.deletion;
    return p;
  });

async function storedState(factory: (typeof ENGINES)[number], order: Partition[][]): Promise<string> {
  const ut = await factory.make();
  try {
    for (const group of order) await Promise.all(group.map((p) => ut.engine.apply([p])));
    const all = await ut.engine.scan(LAYOUT.id, { start: 0n, end: 0n }, { limitPartitions: 10, withStatic: true });
    return all.map((p) => encodePartitionCanonical(p).toString('hex')).join('|');
  } finally {
    await ut.dispose();
  }
}

describe('storage convergence', () => {
  it('stores byte-identical state for any permutation of any multiset of mutations, in both engines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 6 }).chain((ms) =>
          fc.tuple(fc.constant(ms), fc.shuffledSubarray([...ms, ...ms], { minLength: ms.length * 2 }), fc.integer({ min: 1, max: 3 })),
        ),
        async ([original, shuffled, groupSize]) => {
          const groups = (list: Partition[], size: number) => {
            const out: Partition[][] = [];
            for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
            return out;
          };
          const expected = await storedState(ENGINES[1]!, groups(original, 1));
          for (const factory of ENGINES) {
            expect(await storedState(factory, groups(shuffled, groupSize)), factory.name).to.equal(expected);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('digests an expired cell like the tombstone it became, without consulting a clock', () => {
    const withTtl = partition(1, { rows: [{ clustering: ck(0, 'x'), isStatic: false, collectionDeletions: [], cells: [{ column: 'v', cell: { value: Buffer.from('a'), timestampUs: 5, ttlS: 10, localDeletionTimeS: 50 } }] }] });
    const asTombstone = partition(1, { rows: [{ clustering: ck(0, 'x'), isStatic: false, collectionDeletions: [], cells: [{ column: 'v', cell: { value: null, timestampUs: 5, ttlS: 0, localDeletionTimeS: 50 } }] }] });
    expect(partitionDigest(LAYOUT, withTtl, 50)).to.deep.equal(partitionDigest(LAYOUT, asTombstone, 50));
    expect(partitionDigest(LAYOUT, withTtl, 49)).to.not.deep.equal(partitionDigest(LAYOUT, asTombstone, 49));
  });
});
