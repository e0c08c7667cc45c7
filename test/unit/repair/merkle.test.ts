import { expect } from 'chai';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { difference, leafRanges, MerkleTree, MerkleTreeBuilder } from '../../../src/repair/merkle.js';
import { rangeContains } from '../../../src/ring/token-ring.js';
import { MAX_TOKEN, MIN_TOKEN, type TokenRange } from '../../../src/storage/model.js';

interface Item {
  token: bigint;
  digest: Buffer;
}

const digestOf = (s: string): Buffer => createHash('sha256').update(s).digest();
const RING = 1n << 64n;
const widthOf = (r: TokenRange): bigint => {
  const d = (((r.end - r.start) % RING) + RING) % RING;
  return d === 0n ? RING : d;
};

/** Ring order from the range's start, as a scan of (start, end] returns partitions. */
function ringOrder(range: TokenRange, items: Item[]): Item[] {
  const offset = (t: bigint) => {
    const o = (((t - range.start) % RING) + RING) % RING;
    return o === 0n ? RING : o;
  };
  return [...items].sort((a, b) => (offset(a.token) < offset(b.token) ? -1 : offset(a.token) > offset(b.token) ? 1 : a.digest.compare(b.digest)));
}

function build(range: TokenRange, depth: number, items: Item[]): MerkleTree {
  const builder = new MerkleTreeBuilder(range, depth);
  for (const item of ringOrder(range, items)) builder.add(item.token, item.digest);
  return builder.build();
}

const tokenArb = fc.bigInt({ min: MIN_TOKEN + 1n, max: MAX_TOKEN });
const rangeArb = fc.tuple(tokenArb, tokenArb).map(([start, end]): TokenRange => ({ start, end }));

/** A range with tokens drawn inside it. */
const rangeWithTokensArb = rangeArb.chain((range) =>
  fc.record({
    range: fc.constant(range),
    // Tokens as offsets (1..width] from the start, so even a range of one token yields some without rejection sampling.
    tokens: fc
      .uniqueArray(fc.bigInt({ min: 1n, max: widthOf(range) }), { minLength: 1, maxLength: 40, selector: (t) => t.toString() })
      .map((offsets) => offsets.map((o) => ((((range.start - MIN_TOKEN + o) % RING) + RING) % RING) + MIN_TOKEN)),
    depth: fc.integer({ min: 0, max: 12 }),
  }),
);

describe('Merkle tree shape', () => {
  const table: [string, TokenRange, number, bigint, number][] = [
    // name, range, depth, token, leaf
    ['the first token after the start', { start: 0n, end: 100n }, 2, 1n, 0],
    ['the last token of the first quarter', { start: 0n, end: 100n }, 2, 25n, 0],
    ['the first token of the second quarter', { start: 0n, end: 100n }, 2, 26n, 1],
    ['the range end', { start: 0n, end: 100n }, 2, 100n, 3],
    ['a token past the wrap of a wrapping range', { start: MAX_TOKEN - 10n, end: MIN_TOKEN + 10n }, 1, MIN_TOKEN + 1n, 1],
    ['the whole ring\'s own start token, at its end', { start: 0n, end: 0n }, 3, 0n, 7],
  ];
  for (const [name, range, depth, token, leaf] of table) {
    it(`puts ${name} in leaf ${leaf}`, () => {
      expect(new MerkleTree(range, depth, []).leafOf(token)).to.equal(leaf);
    });
  }

  it('splits (0, 100] into four leaves of 25 tokens', () => {
    const tree = new MerkleTree({ start: 0n, end: 100n }, 2, []);
    expect([0, 1, 2, 3].map((i) => tree.leafRange(i))).to.deep.equal([
      { start: 0n, end: 25n },
      { start: 25n, end: 50n },
      { start: 50n, end: 75n },
      { start: 75n, end: 100n },
    ]);
  });

  it('refuses a depth beyond the bound, naming the setting', () => {
    expect(() => new MerkleTree({ start: 0n, end: 0n }, 21, [])).to.throw(/repair_merkle_depth/);
  });

  it('refuses a token outside its range', () => {
    expect(() => new MerkleTree({ start: 0n, end: 100n }, 2, []).leafOf(101n)).to.throw(/outside/);
  });

  it('every token lies in the range of its leaf, and the leaves tile the range', () => {
    fc.assert(
      fc.property(rangeWithTokensArb, ({ range, tokens, depth }) => {
        const tree = new MerkleTree(range, depth, []);
        for (const t of tokens) {
          const leafRange = tree.leafRange(tree.leafOf(t));
          expect(rangeContains(leafRange, t), `token ${t} in leaf ${tree.leafOf(t)}`).to.equal(true);
        }
        expect(tree.leafRange(0).start).to.equal(range.start);
        expect(tree.leafRange(tree.leafCount - 1).end).to.equal(range.end);
        for (let i = 1; i < Math.min(tree.leafCount, 64); i++) expect(tree.leafRange(i).start).to.equal(tree.leafRange(i - 1).end);
      }),
    );
  });
});

describe('Merkle tree comparison', () => {
  it('gives identical data equal roots, whatever order equal tokens were fed in', () => {
    fc.assert(
      fc.property(rangeWithTokensArb, ({ range, tokens, depth }) => {
        const items = tokens.map((t) => ({ token: t, digest: digestOf(`p${t}`) }));
        const a = build(range, depth, items);
        const b = build(range, depth, [...items].reverse());
        expect(a.root().equals(b.root())).to.equal(true);
        expect(difference(a, b)).to.deep.equal([]);
      }),
    );
  });

  it('finds exactly the leaf of one differing partition', () => {
    fc.assert(
      fc.property(rangeWithTokensArb, fc.nat(), fc.boolean(), ({ range, tokens, depth }, pick, drop) => {
        const items = tokens.map((t) => ({ token: t, digest: digestOf(`p${t}`) }));
        const victim = items[pick % items.length]!;
        // The other replica either lacks the partition or holds another version of it.
        const other = drop ? items.filter((i) => i !== victim) : items.map((i) => (i === victim ? { token: i.token, digest: digestOf('stale') } : i));
        const a = build(range, depth, items);
        const b = build(range, depth, other);
        expect(a.root().equals(b.root())).to.equal(false);
        expect(difference(a, b)).to.deep.equal([a.leafOf(victim.token)]);
        const [sub] = leafRanges(a, difference(a, b));
        expect(rangeContains(sub!, victim.token)).to.equal(true);
      }),
    );
  });

  it('joins adjacent differing leaves into one sub-range', () => {
    const tree = new MerkleTree({ start: 0n, end: 100n }, 2, []);
    expect(leafRanges(tree, [3, 0, 1])).to.deep.equal([
      { start: 0n, end: 50n },
      { start: 75n, end: 100n },
    ]);
  });

  it('refuses to compare trees of different ranges', () => {
    expect(() => difference(new MerkleTree({ start: 0n, end: 100n }, 2, []), new MerkleTree({ start: 0n, end: 99n }, 2, []))).to.throw(/cannot compare/);
  });

  it('survives the wire form unchanged', () => {
    const items = [10n, 20n, 90n].map((t) => ({ token: t, digest: digestOf(String(t)) }));
    const tree = build({ start: 0n, end: 100n }, 4, items);
    const back = MerkleTree.fromWire(tree.toWire());
    expect(back.root().equals(tree.root())).to.equal(true);
    expect(back.leaves()).to.deep.equal(tree.leaves());
    expect(back.partitionCount()).to.equal(3);
  });

  it('hashes a leaf as SHA-256 over its partitions\' bytes, whether they fit the build buffer or not', () => {
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    const small = [Buffer.from('a'), Buffer.from('bc')];
    // 100 KiB in 1 KiB appends outgrows the 64 KiB buffer midway; one 200 KiB append bypasses it.
    const many = Array.from({ length: 100 }, (_, i) => Buffer.alloc(1024, i));
    const huge = Buffer.alloc(200 * 1024, 7);
    const builder = new MerkleTreeBuilder({ start: 0n, end: 100n }, 2);
    for (const b of small) builder.add(10n, b);
    for (const b of many) builder.add(30n, b);
    builder.add(60n, Buffer.from('x'));
    builder.add(61n, huge);
    builder.add(90n, Buffer.from('y'));
    const leaves = builder.build().leaves();
    expect(leaves.map((l) => l.index)).to.deep.equal([0, 1, 2, 3]);
    expect(leaves.map((l) => l.hash.toString('hex'))).to.deep.equal(
      [sha(...small), sha(...many), sha(Buffer.from('x'), huge), sha(Buffer.from('y'))].map((h) => h.toString('hex')),
    );
  });

  it('refuses partitions fed out of ring order', () => {
    const builder = new MerkleTreeBuilder({ start: 0n, end: 100n }, 2);
    builder.add(80n, digestOf('a'));
    expect(() => builder.add(10n, digestOf('b'))).to.throw(/out of ring order/);
  });
});
