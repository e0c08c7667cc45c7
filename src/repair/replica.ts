/**
 * The replica side of repair: what a node does when a repair session
 * (possibly its own, through messaging) asks it to build a Merkle tree over a
 * range, list the partitions of differing sub-ranges as digests, hand over
 * whole partitions, or apply partitions streamed to it. Each handler is a
 * thin call into the storage engine; comparing and deciding happen in the
 * session (session.ts).
 */
import type { MessagingService } from '../net/messaging.js';
import type { PartitionDigestEntry, RepairDigestsRequest, RepairDigestsResponse } from '../net/payloads.js';
import { partitionDigest } from '../storage/digest.js';
import type { StorageEngine } from '../storage/engine.js';
import { MAX_TOKEN, MIN_TOKEN, type Partition, type TableLayout, type TokenRange } from '../storage/model.js';
import { InvalidRequestError } from '../util/errors.js';
import { LeafHasher } from './leaf-hasher.js';
import { MerkleTree, MerkleTreeBuilder, type MerkleLeaf } from './merkle.js';

export type RepairEngine = Pick<StorageEngine, 'scan' | 'scanEntries' | 'read' | 'apply'>;

export interface RepairReplicaOptions {
  engine: RepairEngine;
  layouts: (tableId: string) => TableLayout | undefined;
  /** repair_merkle_build_parallelism; 1 without it. */
  buildParallelism?: number;
}

export interface BuiltTree {
  tree: MerkleTree;
  /** Cells, row markers and deletions hashed (stored entries): what a build rate is measured in. */
  cells: number;
}

/**
 * Hashes every stored entry of the table over `range` into a tree of
 * `depth`, straight from the storage iterator (see leaf-hasher.ts), holding
 * no more than one iterator chunk per span at a time.
 *
 * With `parallelism` above 1 the tree's leaves are cut into that many spans
 * of adjacent leaves, each read by its own iterator and hashed by its own
 * builder at the same time: LevelDB steps each iterator on the thread pool,
 * so one span's reads overlap another's hashing. Each leaf lies in exactly
 * one span and is hashed over the same bytes in the same order as in one
 * pass, so the tree is the same whatever the parallelism.
 */
export async function buildMerkleTree(
  engine: RepairEngine,
  layout: TableLayout,
  range: TokenRange,
  depth: number,
  asOfS: number,
  parallelism = 1,
): Promise<BuiltTree> {
  const shape = new MerkleTree(range, depth, []);
  const spans = Math.max(1, Math.min(Math.floor(parallelism), shape.leafCount));
  const parts = await Promise.all(
    Array.from({ length: spans }, (_, i) => {
      if (spans === 1) return hashSpan(engine, layout, range, depth, range, asOfS);
      const first = Math.floor((shape.leafCount * i) / spans);
      const last = Math.floor((shape.leafCount * (i + 1)) / spans) - 1;
      return hashSpan(engine, layout, range, depth, { start: shape.leafRange(first).start, end: shape.leafRange(last).end }, asOfS);
    }),
  );
  return { tree: new MerkleTree(range, depth, parts.flatMap((p) => p.leaves)), cells: parts.reduce((n, p) => n + p.cells, 0) };
}

/** The leaves of a tree over `range` that fall in `span`, a run of its adjacent leaves (or the whole range). */
async function hashSpan(
  engine: RepairEngine,
  layout: TableLayout,
  range: TokenRange,
  depth: number,
  span: TokenRange,
  asOfS: number,
): Promise<{ leaves: MerkleLeaf[]; cells: number }> {
  const builder = new MerkleTreeBuilder(range, depth);
  const hasher = new LeafHasher(builder, layout.id, asOfS);
  let cells = 0;
  for (const piece of ringOrderPieces(span)) cells += await engine.scanEntries(layout.id, piece, hasher.visit);
  return { leaves: builder.finish(), cells };
}

/**
 * A range as ranges a scan returns in ring order from the range's start. A
 * wrapping range already scans that way. A whole-ring range (start ===
 * end) would scan from the smallest token, so it is split at its start:
 * (start, MAX] first, then (MAX, start], which wraps and so takes MIN
 * itself too, where the tree puts it: last in a ring from MIN, first in a
 * ring from MAX.
 */
export function ringOrderPieces(range: TokenRange): TokenRange[] {
  if (range.start !== range.end) return [range];
  if (range.start === MAX_TOKEN) {
    return [
      { start: MAX_TOKEN, end: MIN_TOKEN },
      { start: MIN_TOKEN, end: MAX_TOKEN },
    ];
  }
  return [
    { start: range.start, end: MAX_TOKEN },
    { start: MAX_TOKEN, end: range.start },
  ];
}

/** Lists the partitions of the request's ranges as digests, at most limitPartitions of them, resuming where asked. */
export async function listDigests(engine: RepairEngine, layout: TableLayout, request: RepairDigestsRequest): Promise<RepairDigestsResponse> {
  const entries: PartitionDigestEntry[] = [];
  const ranges = request.ranges.flatMap(ringOrderPieces);
  let rangeIndex = request.resume?.rangeIndex ?? 0;
  let after = request.resume?.after;
  while (rangeIndex < ranges.length) {
    const room = request.limitPartitions - entries.length;
    const page = await engine.scan(layout.id, ranges[rangeIndex]!, { ...(after ? { after } : {}), limitPartitions: room, withStatic: true });
    for (const p of page) entries.push({ token: p.token, key: p.key, digest: partitionDigest(layout, p, request.asOfS), rows: p.rows.length });
    if (page.length === room) {
      const last = page[page.length - 1]!;
      return { entries, resume: { rangeIndex, after: { token: last.token, key: last.key } } };
    }
    rangeIndex++;
    after = undefined;
  }
  return { entries };
}

/** Registers REPAIR_MERKLE_TREE, REPAIR_DIGESTS, REPAIR_FETCH and REPAIR_STREAM. */
export function registerRepairHandlers(messaging: MessagingService, options: RepairReplicaOptions): void {
  const { engine, layouts, buildParallelism = 1 } = options;
  const layoutOf = (tableId: string): TableLayout => {
    const layout = layouts(tableId);
    if (!layout) throw new InvalidRequestError(`unknown table id ${tableId} on this replica`);
    return layout;
  };

  messaging.handle('REPAIR_MERKLE_TREE', async ({ tableId, range, depth, asOfS }) => {
    const { tree } = await buildMerkleTree(engine, layoutOf(tableId), range, depth, asOfS, buildParallelism);
    return tree.toWire();
  });

  messaging.handle('REPAIR_DIGESTS', (request) => listDigests(engine, layoutOf(request.tableId), request));

  messaging.handle('REPAIR_FETCH', async ({ tableId, keys }) => {
    layoutOf(tableId);
    const partitions: Partition[] = [];
    for (const { token, key } of keys) {
      const p = await engine.read({ tableId, key, token, slices: [], withStatic: true, reversed: false });
      if (p) partitions.push(p);
    }
    return { partitions };
  });

  messaging.handle('REPAIR_STREAM', async ({ partitions }) => {
    for (const p of partitions) layoutOf(p.tableId);
    await engine.apply(partitions);
    return {};
  });
}

/** Stored entries of a partition: cells, row markers and every kind of deletion. */
export function cellCount(p: Partition): number {
  let n = (p.deletion ? 1 : 0) + p.rangeTombstones.length;
  for (const r of p.rows) n += (r.marker ? 1 : 0) + (r.deletion ? 1 : 0) + r.collectionDeletions.length + r.cells.length;
  return n;
}
