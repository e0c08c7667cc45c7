import { expect } from 'chai';
import { buildMerkleTree } from '../../../src/repair/replica.js';
import { MAX_TOKEN, MIN_TOKEN, type Partition, type TokenRange } from '../../../src/storage/model.js';
import { ENGINES, LAYOUT, ck, int, live, partition, row, staticRow, tomb, type EngineUnderTest } from '../storage/fixtures.js';

const WHOLE_RING: TokenRange = { start: 0n, end: 0n };
const AS_OF_S = 1_000;
const d = (timestampUs: number) => ({ timestampUs, localDeletionTimeS: 900 });

/** Every kind of stored entry: partition and row deletions, range tombstones, static rows, collection deletions and elements, TTL cells. */
function dataSet(): Partition[] {
  return [
    partition(-7, { deletion: d(5), rows: [row(ck(1, 'a'), { marker: live('', 10), cells: [{ column: 'v', cell: live('x', 10) }] })] }),
    partition(3, {
      rangeTombstones: [{ start: { prefix: [int(2)], inclusive: true }, end: { prefix: [int(4)], inclusive: false }, deletion: d(20) }],
      rows: [
        staticRow({ cells: [{ column: 's', cell: live('static', 12) }] }),
        row(ck(1, 'b'), { deletion: d(15), cells: [{ column: 'v', cell: live('y', 16, 3600, 5000) }] }),
        row(ck(1, 'a'), { collectionDeletions: [{ column: 'tags', deletion: d(11) }], cells: [{ column: 'tags', path: Buffer.from('k\u0000ey'), cell: live('', 11) }] }),
      ],
    }),
    partition(40, { rows: [row(ck(9, 'z'), { cells: [{ column: 'v', cell: tomb(30, 800) }, { column: 'w', cell: live('gone', 25, 60, 950) }] })] }),
  ];
}

async function withEngines(body: (a: EngineUnderTest, b: EngineUnderTest) => Promise<void>): Promise<void> {
  const level = await ENGINES.find((f) => f.name === 'LevelEngine')!.make();
  const memory = await ENGINES.find((f) => f.name === 'MemoryEngine')!.make();
  try {
    await body(level, memory);
  } finally {
    await level.dispose();
    await memory.dispose();
  }
}

async function entriesOf(ut: EngineUnderTest, range: TokenRange): Promise<string[]> {
  const out: string[] = [];
  const n = await ut.engine.scanEntries(LAYOUT.id, range, (k, v) => out.push(`${k.toString('hex')}=${v.toString('hex')}`));
  expect(n).to.equal(out.length);
  return out;
}

describe('Merkle tree build from stored entries', () => {
  it('yields byte-identical entries and identical trees from LevelEngine and MemoryEngine for the same data', async () => {
    await withEngines(async (level, memory) => {
      for (const ut of [level, memory]) {
        // Applied in two halves and in a different order per engine: stored state does not depend on arrival.
        const data = dataSet();
        await ut.engine.apply(ut === level ? data : [...data].reverse());
        await ut.engine.apply([partition(3, { rows: [row(ck(1, 'b'), { cells: [{ column: 'v', cell: live('older', 1) }] })] })]);
      }
      const wrapping: TokenRange = { start: 10n, end: 0n };
      for (const range of [WHOLE_RING, wrapping, { start: MIN_TOKEN, end: MAX_TOKEN }]) {
        expect(await entriesOf(memory, range)).to.deep.equal(await entriesOf(level, range));
      }
      // The wrapping range lists tokens after its start first.
      const wrapped = await entriesOf(level, wrapping);
      expect(wrapped[0]!.includes(Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 40]).toString('hex'))).to.equal(true);
      for (const range of [WHOLE_RING, wrapping]) {
        const a = await buildMerkleTree(level.engine, LAYOUT, range, 6, AS_OF_S);
        const b = await buildMerkleTree(memory.engine, LAYOUT, range, 6, AS_OF_S);
        expect(b.tree.leaves()).to.deep.equal(a.tree.leaves());
        expect(a.cells).to.equal(b.cells);
      }
      const built = await buildMerkleTree(level.engine, LAYOUT, WHOLE_RING, 6, AS_OF_S);
      // Partition deletion + marker + cell; range tombstone + static cell + row deletion + cell + collection deletion + element; two cells.
      expect(built.cells).to.equal(3 + 6 + 2);
      expect(built.tree.partitionCount()).to.equal(3);
    });
  });

  it('hashes a live cell whose TTL ran out by asOfS exactly like the tombstone it became, and not before', async () => {
    await withEngines(async (level, memory) => {
      for (const [ttlHolder, tombHolder] of [
        [level, memory],
        [memory, level],
      ] as const) {
        await ttlHolder.engine.truncate(LAYOUT.id);
        await tombHolder.engine.truncate(LAYOUT.id);
        await ttlHolder.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { marker: live('', 10, 60, 500), cells: [{ column: 'v', cell: live('x', 10, 60, 500) }] })] })]);
        await tombHolder.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { marker: tomb(10, 500), cells: [{ column: 'v', cell: tomb(10, 500) }] })] })]);
        const root = async (ut: EngineUnderTest, asOfS: number) => (await buildMerkleTree(ut.engine, LAYOUT, WHOLE_RING, 4, asOfS)).tree.root().toString('hex');
        expect(await root(ttlHolder, 500)).to.equal(await root(tombHolder, 500));
        expect(await root(ttlHolder, 499)).to.not.equal(await root(tombHolder, 499));
      }
    });
  });

  it('changes the leaf of a partition whose stored value differs, and only that leaf', async () => {
    await withEngines(async (level, memory) => {
      await level.engine.apply(dataSet());
      await memory.engine.apply([...dataSet(), partition(40, { rows: [row(ck(9, 'z'), { cells: [{ column: 'w', cell: live('newer', 26) }] })] })]);
      const a = (await buildMerkleTree(level.engine, LAYOUT, WHOLE_RING, 6, AS_OF_S)).tree;
      const b = (await buildMerkleTree(memory.engine, LAYOUT, WHOLE_RING, 6, AS_OF_S)).tree;
      const differing = a.leaves().filter((leaf, i) => !leaf.hash.equals(b.leaves()[i]!.hash)).map((leaf) => leaf.index);
      expect(differing).to.deep.equal([a.leafOf(40n)]);
    });
  });
  it('builds the same tree whatever the parallelism, partitions on the boundaries between spans included', async () => {
    await withEngines(async (level, memory) => {
      // Tokens on every leaf boundary of a depth-6 whole-ring tree (multiples of 2^58), and pseudo-random ones in between.
      const partitions: Partition[] = [];
      for (let k = -32; k < 32; k++) partitions.push(partition(1000 + k, { token: BigInt(k) << 58n, rows: [row(ck(k, 'b'), { cells: [{ column: 'v', cell: live(`b${k}`, 10) }] })] }));
      let x = 0x2545f4914f6cdd1dn;
      for (let i = 0; i < 300; i++) {
        x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
        partitions.push(partition(2000 + i, { token: BigInt.asIntN(64, x), rows: [row(ck(i, 'r'), { marker: live('', 5), cells: [{ column: 'v', cell: live(`r${i}`, 6) }] })] }));
      }
      for (const ut of [level, memory]) await ut.engine.apply(partitions);
      const ranges: TokenRange[] = [WHOLE_RING, { start: MIN_TOKEN, end: MIN_TOKEN }, { start: MAX_TOKEN, end: MAX_TOKEN }, { start: 1n << 62n, end: -(1n << 62n) }, { start: MIN_TOKEN, end: MAX_TOKEN }, { start: -5n << 58n, end: 7n << 58n }];
      for (const ut of [level, memory]) {
        for (const range of ranges) {
          for (const depth of [0, 1, 6]) {
            const one = await buildMerkleTree(ut.engine, LAYOUT, range, depth, AS_OF_S);
            expect(one.tree.partitionCount()).to.be.greaterThan(0);
            for (const parallelism of [2, 3, 5, 64]) {
              const many = await buildMerkleTree(ut.engine, LAYOUT, range, depth, AS_OF_S, parallelism);
              expect(many.tree.leaves(), `range (${range.start}, ${range.end}] depth ${depth} parallelism ${parallelism}`).to.deep.equal(one.tree.leaves());
              expect(many.cells).to.equal(one.cells);
            }
          }
        }
      }
      // Every partition is in the tree, the one at MIN_TOKEN too.
      for (const parallelism of [1, 4]) expect((await buildMerkleTree(level.engine, LAYOUT, WHOLE_RING, 6, AS_OF_S, parallelism)).tree.partitionCount()).to.equal(364);
    });
  });
});
