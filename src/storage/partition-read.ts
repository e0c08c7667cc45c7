/**
 * Reading one partition (a ReadCommand) from the LevelDB keys keys.ts lays
 * out: the stored entries of the command's part of the partition, assembled
 * into a Partition and restricted to the command. A table whose partitions
 * can hold only a known set of keys (layout.cellColumns) is read with one
 * multi-key lookup; any other through one iterator over its key ranges.
 */
import type { ClassicLevel } from 'classic-level';
import { PartitionAssembler, restrictToCommand } from './assemble.js';
import { KIND_PARTITION_DELETION, KIND_RANGE_TOMBSTONE, KIND_STATIC, decodeKeyEntry, kindRange, partitionPrefix, pointKeys, rowsRange } from './keys.js';
import type { Partition, ReadCommand, TableLayout } from './model.js';

/** Entries fetched by a read's first step: most partitions read by key are small. */
const READ_CHUNK_FIRST = 64;
/** Entries fetched by a read's later steps, at most. */
const READ_CHUNK_MAX = 1000;
/** Entries a read walks across between two of its ranges before it seeks instead. */
const GAP_ENTRIES_MAX = 64;

type Db = ClassicLevel<Buffer, Buffer>;

/** The partition as stored (tombstones included), restricted to the command; undefined when nothing is stored there. */
export async function readPartition(db: Db, layout: TableLayout, cmd: ReadCommand): Promise<Partition | undefined> {
  const prefix = partitionPrefix(cmd.tableId, cmd.token, cmd.key);
  const entries = layout.cellColumns
    ? await lookupKeys(db, pointKeys(layout, layout.cellColumns, prefix))
    : await collectRanges(db, commandRanges(layout, cmd, prefix));
  const assembler = new PartitionAssembler(layout, cmd.tableId, cmd.key, cmd.token);
  for (const [k, v] of entries) assembler.add(decodeKeyEntry(layout, k, prefix.length), v);
  return restrictToCommand(layout, assembler.build(), cmd);
}

/** The key ranges of the command's part of the partition: its deletions, its static row if asked, and its slices. */
function commandRanges(layout: TableLayout, cmd: ReadCommand, prefix: Buffer): { gte: Buffer; lt: Buffer }[] {
  const ranges = [kindRange(prefix, KIND_PARTITION_DELETION), kindRange(prefix, KIND_RANGE_TOMBSTONE)];
  if (cmd.withStatic) ranges.push(kindRange(prefix, KIND_STATIC));
  if (cmd.slices.length === 0) ranges.push(rowsRange(layout, prefix));
  for (const s of cmd.slices) ranges.push(rowsRange(layout, prefix, s.start, s.end));
  return ranges;
}

/**
 * The stored ones of `keys`, in the order given (key order), looked up
 * together: a single round trip to LevelDB's thread, from one snapshot,
 * where an iterator costs three (open, step, close).
 */
async function lookupKeys(db: Db, keys: Buffer[]): Promise<[Buffer, Buffer][]> {
  const values = await db.getMany(keys);
  const out: [Buffer, Buffer][] = [];
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    if (value !== undefined) out.push([keys[i]!, value]);
  }
  return out;
}

/**
 * Every entry inside the given key ranges, in key order, through one
 * iterator: opening an iterator costs more than reading a small partition,
 * so a read opens exactly one. Each step (nextv, and each seek's first
 * nextv) is a round trip to LevelDB's thread, which costs several times a
 * small partition's decoding, so the iterator walks straight across the
 * gaps between ranges (a read's ranges are the kinds of one partition, and
 * the gaps are usually empty) and seeks only past a gap that turns out to
 * hold more than GAP_ENTRIES_MAX entries.
 */
async function collectRanges(db: Db, ranges: { gte: Buffer; lt: Buffer }[]): Promise<[Buffer, Buffer][]> {
  const sorted = ranges.filter((r) => Buffer.compare(r.gte, r.lt) < 0).sort((a, b) => Buffer.compare(a.gte, b.gte));
  const out: [Buffer, Buffer][] = [];
  if (sorted.length === 0) return out;
  const it = db.iterator({ gte: sorted[0]!.gte, lt: sorted.reduce((m, r) => (Buffer.compare(r.lt, m) > 0 ? r.lt : m), sorted[0]!.lt) });
  try {
    let chunkSize = READ_CHUNK_FIRST;
    let i = 0;
    let skipped = 0;
    walk: for (;;) {
      const chunk = await it.nextv(chunkSize);
      chunkSize = Math.min(chunkSize * 4, READ_CHUNK_MAX);
      if (chunk.length === 0) break;
      for (const entry of chunk) {
        while (Buffer.compare(entry[0], sorted[i]!.lt) >= 0) {
          if (++i === sorted.length) break walk;
          skipped = 0;
        }
        const range = sorted[i]!;
        if (Buffer.compare(entry[0], range.gte) >= 0) {
          out.push(entry);
        } else if (++skipped > GAP_ENTRIES_MAX) {
          // A wide gap (rows outside a slice): jump over it rather than read it.
          it.seek(range.gte);
          skipped = 0;
          chunkSize = READ_CHUNK_FIRST;
          continue walk;
        }
      }
    }
  } finally {
    await it.close();
  }
  return out;
}
