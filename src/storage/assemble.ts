/**
 * Rebuilds Partition values from stored key/values read in key order, and
 * restricts a partition to what a ReadCommand asks for. Both engines use the
 * restriction, so their reads agree.
 */
import type { Partition, ReadCommand, Row, Slice, TableLayout } from './model.js';
import { decodeCellValue, decodeDeletionValue, type KeyEntry } from './keys.js';
import { boundsContain, compareBounds, compareClustering } from './partition.js';

/** Collects one partition's entries, which must arrive in key order. */
export class PartitionAssembler {
  private readonly partition: Partition;
  private current: Row | undefined;
  constructor(
    private readonly layout: TableLayout,
    tableId: string,
    key: Buffer,
    token: bigint,
  ) {
    this.partition = { tableId, key, token, rangeTombstones: [], rows: [] };
  }

  add(entry: KeyEntry, value: Buffer): void {
    switch (entry.kind) {
      case 'partitionDeletion':
        this.partition.deletion = decodeDeletionValue(value);
        return;
      case 'rangeTombstone':
        this.partition.rangeTombstones.push({ start: entry.start, end: entry.end, deletion: decodeDeletionValue(value) });
        return;
      default:
        break;
    }
    const row = this.rowFor(entry.isStatic, entry.clustering);
    switch (entry.kind) {
      case 'marker':
        row.marker = decodeCellValue(value);
        break;
      case 'rowDeletion':
        row.deletion = decodeDeletionValue(value);
        break;
      case 'collectionDeletion':
        row.collectionDeletions.push({ column: entry.column, deletion: decodeDeletionValue(value) });
        break;
      case 'cell': {
        const cell = { column: entry.column, cell: decodeCellValue(value) };
        row.cells.push(entry.path ? { ...cell, path: entry.path } : cell);
        break;
      }
    }
  }

  private rowFor(isStatic: boolean, clustering: Buffer[]): Row {
    const cur = this.current;
    if (cur && cur.isStatic === isStatic && compareClustering(this.layout, cur.clustering, clustering) === 0) return cur;
    const row: Row = { clustering, isStatic, collectionDeletions: [], cells: [] };
    this.partition.rows.push(row);
    this.current = row;
    return row;
  }

  get isEmpty(): boolean {
    return isEmptyPartition(this.partition);
  }

  build(): Partition {
    return this.partition;
  }
}

export function isEmptyPartition(p: Partition): boolean {
  return p.deletion === undefined && p.rangeTombstones.length === 0 && p.rows.length === 0;
}

/** True when a range tombstone and a slice share at least one clustering position. */
export function overlapsSlice(layout: TableLayout, rt: { start: Slice['start']; end: Slice['end'] }, slice: Slice): boolean {
  return compareBounds(layout, rt.start, true, slice.end, false) < 0 && compareBounds(layout, slice.start, true, rt.end, false) < 0;
}

const WHOLE: Slice = { start: { prefix: [], inclusive: true }, end: { prefix: [], inclusive: true } };

/**
 * What a read returns of a stored partition: the partition deletion, the range
 * tombstones overlapping the slices, the static row if asked for, and the
 * rows inside the slices, last-to-first when reversed. Undefined when nothing is left.
 */
export function restrictToCommand(layout: TableLayout, p: Partition, cmd: ReadCommand): Partition | undefined {
  const slices = cmd.slices.length > 0 ? cmd.slices : [WHOLE];
  const staticRows = cmd.withStatic ? p.rows.filter((r) => r.isStatic) : [];
  const rows = p.rows.filter((r) => !r.isStatic && slices.some((s) => boundsContain(layout, s.start, s.end, r.clustering)));
  if (cmd.reversed) rows.reverse();
  const out: Partition = {
    tableId: p.tableId,
    key: p.key,
    token: p.token,
    rangeTombstones: p.rangeTombstones.filter((rt) => slices.some((s) => overlapsSlice(layout, rt, s))),
    rows: [...staticRows, ...rows],
  };
  if (p.deletion) out.deletion = p.deletion;
  return isEmptyPartition(out) ? undefined : out;
}
