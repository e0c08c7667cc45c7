/**
 * The Merkle tree repair compares, pure: no storage, no clock, no sockets.
 *
 * A tree covers one token range (start, end] split into 2^depth leaves of
 * equal token width. A leaf's hash is SHA-256 over the partitions whose
 * tokens fall in it, in token order (the order a scan returns them), each
 * given as bytes that identify its content (repair gives its stored
 * entries: leaf-hasher.ts). An inner node's hash is the XOR of its two children's, as
 * in Cassandra's MerkleTree: an empty subtree hashes to zero, so only the
 * non-empty leaves need to be stored or sent, and a tree with a few thousand
 * partitions costs a few thousand hashes whatever its depth. XOR lets two
 * differences cancel only if two SHA-256 outputs collide.
 *
 * Two replicas holding the same partitions (and hashing them as of the same
 * time, fixed by the repair session) build equal trees; `difference` walks
 * two trees from the root into differing subtrees only and returns the leaves
 * whose hashes differ, which `leafRanges` turns into the token sub-ranges to
 * synchronize.
 */
import { createHash, hash as hashOnce, type Hash } from 'node:crypto';
import { MIN_TOKEN, type TokenRange } from '../storage/model.js';

export const HASH_BYTES = 32;
/** The deepest tree allowed (2^20 leaves); `repair_merkle_depth` may not exceed it. */
export const MERKLE_DEPTH_MAX = 20;

const RING = 1n << 64n;
const ZERO = Buffer.alloc(HASH_BYTES);

/** Tokens after `start` up to `end` going clockwise; 2^64 (the whole ring) when they are equal. */
function widthOf(range: TokenRange): bigint {
  const d = (((range.end - range.start) % RING) + RING) % RING;
  return d === 0n ? RING : d;
}

/** `start + offset` on the ring, wrapped into the signed 64-bit token space. */
function tokenAt(start: bigint, offset: bigint): bigint {
  return ((((start - MIN_TOKEN + offset) % RING) + RING) % RING) + MIN_TOKEN;
}

/** One non-empty leaf. */
export interface MerkleLeaf {
  index: number;
  hash: Buffer;
  /** Partitions hashed into it. */
  partitions: number;
}

/** A tree as it crosses the wire: only its non-empty leaves, hashes concatenated. */
export interface MerkleTreeWire {
  range: TokenRange;
  depth: number;
  indexes: number[];
  hashes: Buffer;
  partitions: number[];
}

export class MerkleTree {
  readonly leafCount: number;
  private readonly width: bigint;
  /** levels[d] maps a node index at depth d to its non-zero hash; levels[depth] holds the leaves. */
  private readonly levels: Map<number, Buffer>[];
  private readonly leafList: MerkleLeaf[];

  constructor(
    readonly range: TokenRange,
    readonly depth: number,
    leaves: readonly MerkleLeaf[],
  ) {
    if (!Number.isInteger(depth) || depth < 0 || depth > MERKLE_DEPTH_MAX) {
      throw new RangeError(`Merkle tree depth ${depth} is outside 0..${MERKLE_DEPTH_MAX} (repair_merkle_depth)`);
    }
    this.leafCount = 2 ** depth;
    this.width = widthOf(range);
    this.leafList = [...leaves].sort((a, b) => a.index - b.index);
    this.levels = new Array<Map<number, Buffer>>(depth + 1);
    const bottom = new Map<number, Buffer>();
    for (const leaf of this.leafList) {
      if (leaf.index < 0 || leaf.index >= this.leafCount) throw new RangeError(`leaf ${leaf.index} outside a tree of ${this.leafCount} leaves`);
      bottom.set(leaf.index, leaf.hash);
    }
    this.levels[depth] = bottom;
    for (let d = depth; d > 0; d--) {
      const parents = new Map<number, Buffer>();
      for (const [index, hash] of this.levels[d]!) {
        const parent = index >> 1;
        const sibling = parents.get(parent);
        parents.set(parent, sibling ? xor(sibling, hash) : hash);
      }
      this.levels[d - 1] = parents;
    }
  }

  /** The hash of the whole range: equal roots mean (barring a SHA-256 collision) equal data. */
  root(): Buffer {
    return this.node(0, 0);
  }

  /** The hash of node `index` at depth `depth` (0 is the root); zero for an empty subtree. */
  node(depth: number, index: number): Buffer {
    return this.levels[depth]!.get(index) ?? ZERO;
  }

  leaves(): readonly MerkleLeaf[] {
    return this.leafList;
  }

  /** Partitions hashed into the whole tree. */
  partitionCount(): number {
    let n = 0;
    for (const leaf of this.leafList) n += leaf.partitions;
    return n;
  }

  /** The leaf holding `token`, which must lie in the tree's range. */
  leafOf(token: bigint): number {
    return this.leafOfOffset(this.offsetOf(token));
  }

  /** How far clockwise from the range's start `token` lies, in (0, width]. */
  offsetOf(token: bigint): bigint {
    // Both tokens are signed 64-bit, so one correction brings the difference into (0, 2^64]; only a whole-ring tree reaches its own start token, at its very end.
    let offset = token - this.range.start;
    if (offset <= 0n) offset += RING;
    if (offset > this.width) throw new RangeError(`token ${token} outside (${this.range.start}, ${this.range.end}]`);
    return offset;
  }

  leafOfOffset(offset: bigint): number {
    // Leaf i covers offsets (floor(width·i/L), floor(width·(i+1)/L)], so i = ceil(offset·L/width) − 1.
    return Number((offset * BigInt(this.leafCount) + this.width - 1n) / this.width - 1n);
  }

  /** The last offset leaf `index` covers. */
  leafEndOffset(index: number): bigint {
    return (this.width * BigInt(index + 1)) / BigInt(this.leafCount);
  }

  /** The token sub-range (start, end] leaf `index` covers; empty (start === end) only for a whole-ring tree of one leaf. */
  leafRange(index: number): TokenRange {
    const leafCount = BigInt(this.leafCount);
    const from = (this.width * BigInt(index)) / leafCount;
    const to = (this.width * BigInt(index + 1)) / leafCount;
    return { start: tokenAt(this.range.start, from), end: tokenAt(this.range.start, to) };
  }

  toWire(): MerkleTreeWire {
    return {
      range: this.range,
      depth: this.depth,
      indexes: this.leafList.map((l) => l.index),
      hashes: Buffer.concat(this.leafList.map((l) => l.hash)),
      partitions: this.leafList.map((l) => l.partitions),
    };
  }

  static fromWire(wire: MerkleTreeWire): MerkleTree {
    if (wire.hashes.length !== wire.indexes.length * HASH_BYTES || wire.partitions.length !== wire.indexes.length) {
      throw new RangeError('malformed Merkle tree: leaf indexes, hashes and counts disagree');
    }
    const leaves = wire.indexes.map((index, i) => ({
      index,
      hash: Buffer.from(wire.hashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)),
      partitions: wire.partitions[i]!,
    }));
    return new MerkleTree(wire.range, wire.depth, leaves);
  }
}

/** Bytes a builder gathers before handing them to the hash: one update per run of small entries, not per entry. */
const BUILD_BUFFER_BYTES = 64 * 1024;

/**
 * Builds a tree from partitions fed in token order, as a scan of the range
 * returns them, each as bytes that identify its content: a partition is
 * begun at its token and its bytes appended (repair appends its stored
 * entries, see leaf-hasher.ts), or added whole (a digest, in tests). Each
 * leaf is hashed incrementally over the concatenation of its partitions'
 * bytes, so building holds one open hash at a time; the bytes pass through
 * a buffer first, since most entries are far smaller than a hash update's
 * fixed cost.
 */
export class MerkleTreeBuilder {
  private readonly shape: MerkleTree;
  private readonly leaves: MerkleLeaf[] = [];
  private lastOffset = 0n;
  /** The open leaf; its incremental hash exists only once its bytes outgrew the buffer, otherwise they are hashed in one call when it closes. */
  private current: { index: number; endOffset: bigint; hash: Hash | undefined; partitions: number } | undefined;
  private readonly buffer = Buffer.allocUnsafe(BUILD_BUFFER_BYTES);
  private buffered = 0;

  constructor(
    readonly range: TokenRange,
    readonly depth: number,
  ) {
    this.shape = new MerkleTree(range, depth, []);
  }

  /** Adds one partition's bytes; tokens must not decrease in ring order from the range's start. */
  add(token: bigint, content: Uint8Array): void {
    this.beginPartition(token);
    this.append(content);
  }

  /** Starts the next partition, whose bytes follow through append; tokens must not decrease in ring order from the range's start. */
  beginPartition(token: bigint): void {
    const offset = this.shape.offsetOf(token);
    // Most partitions fall in the leaf of the one before: two comparisons instead of a division.
    if (!this.current || offset > this.current.endOffset || (this.current.partitions > 0 && offset <= this.lastOffset)) {
      const index = this.shape.leafOfOffset(offset);
      if (this.current && index !== this.current.index) {
        if (index < this.current.index) throw new RangeError(`partition token ${token} arrived out of ring order`);
        this.closeLeaf();
      }
      this.current ??= { index, endOffset: this.shape.leafEndOffset(index), hash: undefined, partitions: 0 };
    }
    this.lastOffset = offset;
    this.current.partitions++;
  }

  /** Appends bytes to the partition begun last. */
  append(bytes: Uint8Array): void {
    if (!this.current) throw new RangeError('bytes appended before any partition was begun');
    if (this.buffered + bytes.length > BUILD_BUFFER_BYTES) {
      this.flush();
      if (bytes.length > BUILD_BUFFER_BYTES) {
        this.current.hash!.update(bytes);
        return;
      }
    }
    this.buffer.set(bytes, this.buffered);
    this.buffered += bytes.length;
  }

  /** Appends an unsigned 32-bit big-endian number: the length prefixes that keep appended fields self-delimiting. */
  appendU32(n: number): void {
    if (!this.current) throw new RangeError('bytes appended before any partition was begun');
    if (this.buffered + 4 > BUILD_BUFFER_BYTES) this.flush();
    this.buffer.writeUInt32BE(n, this.buffered);
    this.buffered += 4;
  }

  build(): MerkleTree {
    return new MerkleTree(this.range, this.depth, this.finish());
  }

  /** Closes the open leaf and returns every non-empty leaf so far: the part of a tree one of several builders of disjoint leaf spans made. */
  finish(): MerkleLeaf[] {
    this.closeLeaf();
    return this.leaves;
  }

  /** Hands the buffered bytes to the open leaf's incremental hash, starting it if need be. */
  private flush(): void {
    const current = this.current!;
    current.hash ??= createHash('sha256');
    if (this.buffered === 0) return;
    current.hash.update(this.buffer.subarray(0, this.buffered));
    this.buffered = 0;
  }

  private closeLeaf(): void {
    const current = this.current;
    if (!current) return;
    let hash: Buffer;
    if (current.hash) {
      this.flush();
      hash = current.hash.digest();
    } else {
      // A leaf that fit in the buffer, the usual case: one call, far cheaper than creating, updating and finishing a Hash.
      hash = hashOnce('sha256', this.buffer.subarray(0, this.buffered), 'buffer');
      this.buffered = 0;
    }
    this.leaves.push({ index: current.index, hash, partitions: current.partitions });
    this.current = undefined;
  }
}

/**
 * The leaves whose hashes differ between two trees of the same range and
 * depth, ascending. It descends only into subtrees whose hashes differ, so
 * its cost grows with the divergence, not with the size of the trees.
 */
export function difference(a: MerkleTree, b: MerkleTree): number[] {
  if (a.depth !== b.depth || a.range.start !== b.range.start || a.range.end !== b.range.end) {
    throw new RangeError(
      `cannot compare Merkle trees of (${a.range.start}, ${a.range.end}] depth ${a.depth} and (${b.range.start}, ${b.range.end}] depth ${b.depth}`,
    );
  }
  const out: number[] = [];
  const visit = (depth: number, index: number): void => {
    if (a.node(depth, index).equals(b.node(depth, index))) return;
    if (depth === a.depth) {
      out.push(index);
      return;
    }
    visit(depth + 1, 2 * index);
    visit(depth + 1, 2 * index + 1);
  };
  visit(0, 0);
  return out;
}

/** Leaves as token sub-ranges, adjacent leaves joined into one range, in ring order. */
export function leafRanges(tree: MerkleTree, leaves: readonly number[]): TokenRange[] {
  const sorted = [...new Set(leaves)].sort((x, y) => x - y);
  const out: TokenRange[] = [];
  let runStart: number | undefined;
  let runEnd = -1;
  for (const leaf of sorted) {
    if (runStart !== undefined && leaf === runEnd + 1) {
      runEnd = leaf;
      continue;
    }
    if (runStart !== undefined) out.push(joined(tree, runStart, runEnd));
    runStart = leaf;
    runEnd = leaf;
  }
  if (runStart !== undefined) out.push(joined(tree, runStart, runEnd));
  return out;
}

function joined(tree: MerkleTree, first: number, last: number): TokenRange {
  return { start: tree.leafRange(first).start, end: tree.leafRange(last).end };
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HASH_BYTES);
  for (let i = 0; i < HASH_BYTES; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
