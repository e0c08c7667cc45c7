/**
 * Pure operations on partitions: ordering clusterings and bounds, merging
 * two versions of a partition (the union of their contents, every conflict
 * settled by reconcile), turning an unfiltered partition into live rows, and
 * purging tombstones past gc_grace.
 *
 * Merging keeps shadowed data: it is a union keyed by position (row, column,
 * path, range bounds), so it is order-independent by construction, and
 * shadowing is applied when reading (`liveRows`) and compacting (`purge`).
 */
import { compareValues } from '../schema/codec.js';
import type {
  Cell,
  Clustering,
  ClusteringBound,
  CollectionDeletion,
  ColumnCell,
  DeletionTime,
  Partition,
  RangeTombstone,
  Row,
  TableLayout,
} from './model.js';
import { compareDeletions, isExpired, maxDeletion, reconcile, reconcileDeletion, shadows } from './reconcile.js';

export interface LiveRow {
  clustering: Clustering;
  isStatic: boolean;
  markerLive: boolean;
  cells: ColumnCell[];
}

function compareComponent(layout: TableLayout, i: number, a: Buffer, b: Buffer): number {
  const c = compareValues(layout.clusteringTypes[i]!, a, b);
  return layout.clusteringOrder[i] === 'DESC' ? -c : c;
}

/** Clustering order, honouring DESC columns; a proper prefix sorts first. */
export function compareClustering(layout: TableLayout, a: Clustering, b: Clustering): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareComponent(layout, i, a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

/**
 * Where a bound sits relative to the rows starting with its prefix: -1 before
 * them (inclusive start, exclusive end), +1 after them (exclusive start,
 * inclusive end). The storage key encoding uses the same positions.
 */
export function boundSide(bound: ClusteringBound, isStart: boolean): -1 | 1 {
  return bound.inclusive === isStart ? -1 : 1;
}

/** Compares two bounds by the position they mark among rows. */
export function compareBounds(layout: TableLayout, a: ClusteringBound, aIsStart: boolean, b: ClusteringBound, bIsStart: boolean): number {
  const n = Math.min(a.prefix.length, b.prefix.length);
  for (let i = 0; i < n; i++) {
    const c = compareComponent(layout, i, a.prefix[i]!, b.prefix[i]!);
    if (c !== 0) return c;
  }
  if (a.prefix.length === b.prefix.length) return Math.sign(boundSide(a, aIsStart) - boundSide(b, bIsStart));
  // The shorter bound sits before or after every row under its prefix, so also before or after the longer bound.
  return a.prefix.length < b.prefix.length ? boundSide(a, aIsStart) : -boundSide(b, bIsStart);
}

/** Compares a bound with a full clustering: negative when the bound sits before the row. */
export function compareBoundToClustering(layout: TableLayout, bound: ClusteringBound, isStart: boolean, clustering: Clustering): number {
  for (let i = 0; i < bound.prefix.length && i < clustering.length; i++) {
    const c = compareComponent(layout, i, bound.prefix[i]!, clustering[i]!);
    if (c !== 0) return c;
  }
  return boundSide(bound, isStart);
}

/** True when `clustering` lies between `start` and `end` (a range tombstone's or a slice's). */
export function boundsContain(layout: TableLayout, start: ClusteringBound, end: ClusteringBound, clustering: Clustering): boolean {
  return compareBoundToClustering(layout, start, true, clustering) < 0 && compareBoundToClustering(layout, end, false, clustering) > 0;
}

function compareRangeTombstones(layout: TableLayout, a: RangeTombstone, b: RangeTombstone): number {
  return compareBounds(layout, a.start, true, b.start, true) || compareBounds(layout, a.end, false, b.end, false);
}

/** Sorts range tombstones by (start, end) and merges those with identical bounds: one canonical list. */
export function normalizeRangeTombstones(layout: TableLayout, list: RangeTombstone[]): RangeTombstone[] {
  const sorted = [...list].sort((a, b) => compareRangeTombstones(layout, a, b) || -compareDeletions(a.deletion, b.deletion));
  const out: RangeTombstone[] = [];
  for (const rt of sorted) {
    const last = out[out.length - 1];
    if (last && compareRangeTombstones(layout, last, rt) === 0) {
      out[out.length - 1] = { ...last, deletion: reconcileDeletion(last.deletion, rt.deletion) };
    } else out.push(rt);
  }
  return out;
}

/** Column name, then path bytes: the order of cells within a row (and of storage keys). */
export function compareColumnCells(a: { column: string; path?: Buffer }, b: { column: string; path?: Buffer }): number {
  const byColumn = Buffer.compare(Buffer.from(a.column, 'utf8'), Buffer.from(b.column, 'utf8'));
  if (byColumn !== 0) return byColumn;
  if (!a.path || !b.path) return (a.path ? 1 : 0) - (b.path ? 1 : 0);
  return Buffer.compare(a.path, b.path);
}

function mergeCells(a: ColumnCell[], b: ColumnCell[]): ColumnCell[] {
  const all = [...a, ...b].sort(compareColumnCells);
  const out: ColumnCell[] = [];
  for (const c of all) {
    const last = out[out.length - 1];
    if (last && compareColumnCells(last, c) === 0) out[out.length - 1] = { ...last, cell: reconcile(last.cell, c.cell) };
    else out.push(c);
  }
  return out;
}

function mergeCollectionDeletions(a: CollectionDeletion[], b: CollectionDeletion[]): CollectionDeletion[] {
  const byColumn = new Map<string, DeletionTime>();
  for (const d of [...a, ...b]) byColumn.set(d.column, maxDeletion(byColumn.get(d.column), d.deletion)!);
  return [...byColumn.entries()]
    .sort((x, y) => compareColumnCells({ column: x[0] }, { column: y[0] }))
    .map(([column, deletion]) => ({ column, deletion }));
}

function maxCell(a: Cell | undefined, b: Cell | undefined): Cell | undefined {
  if (!a) return b;
  if (!b) return a;
  return reconcile(a, b);
}

export function mergeRows(a: Row, b: Row): Row {
  const row: Row = {
    clustering: a.clustering,
    isStatic: a.isStatic,
    collectionDeletions: mergeCollectionDeletions(a.collectionDeletions, b.collectionDeletions),
    cells: mergeCells(a.cells, b.cells),
  };
  const marker = maxCell(a.marker, b.marker);
  if (marker) row.marker = marker;
  const deletion = maxDeletion(a.deletion, b.deletion);
  if (deletion) row.deletion = deletion;
  return row;
}

/** Orders rows: the static row first, then clustering order. */
export function compareRows(layout: TableLayout, a: Row, b: Row): number {
  if (a.isStatic !== b.isStatic) return a.isStatic ? -1 : 1;
  return compareClustering(layout, a.clustering, b.clustering);
}

/** Both versions of a partition merged: every cell reconciled, deletions maxed, range tombstones unioned. */
export function mergePartitions(layout: TableLayout, a: Partition, b: Partition): Partition {
  const rows = [...a.rows, ...b.rows].sort((x, y) => compareRows(layout, x, y));
  const merged: Row[] = [];
  for (const row of rows) {
    const last = merged[merged.length - 1];
    if (last && compareRows(layout, last, row) === 0) merged[merged.length - 1] = mergeRows(last, row);
    else merged.push(mergeRows(row, { ...row, cells: [], collectionDeletions: [] }));
  }
  const out: Partition = {
    tableId: a.tableId,
    key: a.key,
    token: a.token,
    rangeTombstones: normalizeRangeTombstones(layout, [...a.rangeTombstones, ...b.rangeTombstones]),
    // A row holding nothing has no storage of its own, so it does not survive a merge either.
    rows: merged.filter((r) => r.marker || r.deletion || r.cells.length > 0 || r.collectionDeletions.length > 0),
  };
  const deletion = maxDeletion(a.deletion, b.deletion);
  if (deletion) out.deletion = deletion;
  return out;
}

/** The strongest deletion covering a row: partition deletion, covering range tombstones and the row's own. */
export function rowDeletion(layout: TableLayout, p: Partition, row: Row): DeletionTime | undefined {
  let deletion = maxDeletion(p.deletion, row.deletion);
  if (!row.isStatic) {
    for (const rt of p.rangeTombstones) {
      if (boundsContain(layout, rt.start, rt.end, row.clustering)) deletion = maxDeletion(deletion, rt.deletion);
    }
  }
  return deletion;
}

function collectionDeletion(row: Row, column: string): DeletionTime | undefined {
  return row.collectionDeletions.find((d) => d.column === column)?.deletion;
}

/**
 * Only what is live at `nowS`: cells and markers not shadowed by any deletion
 * above them, not tombstones and not expired. A clustering row appears when
 * its marker or a cell is live; the static row when a cell is.
 */
export function liveRows(layout: TableLayout, p: Partition, nowS: number): LiveRow[] {
  const out: LiveRow[] = [];
  for (const row of p.rows) {
    const deletion = rowDeletion(layout, p, row);
    const markerLive =
      !row.isStatic && row.marker !== undefined && !shadows(deletion, row.marker.timestampUs) && !isExpired(row.marker, nowS);
    const cells = row.cells.filter(
      (c) =>
        c.cell.value !== null &&
        !shadows(deletion, c.cell.timestampUs) &&
        !shadows(collectionDeletion(row, c.column), c.cell.timestampUs) &&
        !isExpired(c.cell, nowS),
    );
    if (markerLive || cells.length > 0) out.push({ clustering: row.clustering, isStatic: row.isStatic, markerLive, cells });
  }
  return out;
}

/** A tombstone (or an expired cell, a tombstone since its expiry) may go once gc_grace has passed since it was written. */
function purgeable(layout: TableLayout, localDeletionTimeS: number, nowS: number): boolean {
  return localDeletionTimeS + layout.gcGraceSeconds < nowS;
}

function cellPurgeable(layout: TableLayout, cell: Cell, nowS: number): boolean {
  const isTombstone = cell.value === null || isExpired(cell, nowS);
  return isTombstone && purgeable(layout, cell.localDeletionTimeS, nowS);
}

/**
 * Compaction's view of a partition: data shadowed by any deletion is dropped
 * (it can never be live again), then tombstones and expired cells older than
 * gc_grace_seconds are dropped; rows left empty disappear.
 */
export function purge(layout: TableLayout, p: Partition, nowS: number): Partition {
  const keepDeletion = (d: DeletionTime | undefined) => (d && !purgeable(layout, d.localDeletionTimeS, nowS) ? d : undefined);
  const rangeTombstones = p.rangeTombstones.filter(
    (rt) => !shadows(p.deletion, rt.deletion.timestampUs) && !purgeable(layout, rt.deletion.localDeletionTimeS, nowS),
  );
  const rows: Row[] = [];
  for (const row of p.rows) {
    const above = rowDeletion(layout, p, { ...row, deletion: undefined });
    const own = row.deletion && !shadows(above, row.deletion.timestampUs) ? row.deletion : undefined;
    const deletion = maxDeletion(above, own);
    const collectionDeletions = row.collectionDeletions.filter(
      (d) => !shadows(deletion, d.deletion.timestampUs) && !purgeable(layout, d.deletion.localDeletionTimeS, nowS),
    );
    const cells = row.cells.filter(
      (c) =>
        !shadows(deletion, c.cell.timestampUs) &&
        !shadows(collectionDeletion(row, c.column), c.cell.timestampUs) &&
        !cellPurgeable(layout, c.cell, nowS),
    );
    const kept: Row = { clustering: row.clustering, isStatic: row.isStatic, collectionDeletions, cells };
    if (row.marker && !shadows(deletion, row.marker.timestampUs) && !cellPurgeable(layout, row.marker, nowS)) kept.marker = row.marker;
    const keptOwn = keepDeletion(own);
    if (keptOwn) kept.deletion = keptOwn;
    if (kept.marker || kept.deletion || cells.length > 0 || collectionDeletions.length > 0) rows.push(kept);
  }
  const out: Partition = { tableId: p.tableId, key: p.key, token: p.token, rangeTombstones, rows };
  const deletion = keepDeletion(p.deletion);
  if (deletion) out.deletion = deletion;
  return out;
}
