/**
 * One result row before selection: the partition key components, the
 * clustering (null for a partition that has only static data), and the live
 * cells of every regular and static column. Filters and selectors both read
 * rows through this view.
 */
import type { ColumnCell } from '../../storage/model.js';
import type { ColumnMetadata } from '../../schema/table.js';
import { compareValues } from '../../schema/codec.js';
import { compareTimeUuids } from '../timeuuid.js';
import { parseCollection, serializeCollection } from '../collection-format.js';

/** The shape of storage's live rows (src/storage/partition.ts `LiveRow`): tombstones and expired cells already removed. */
export interface LiveRowData {
  clustering: Buffer[];
  isStatic: boolean;
  markerLive: boolean;
  cells: ColumnCell[];
}

export interface RowView {
  token: bigint;
  partitionKey: Buffer[];
  /** Null for the one row a partition with only static data yields. */
  clustering: Buffer[] | null;
  /** Live cells by column name: one for a simple column, one per element for a non-frozen collection. */
  cells: Map<string, ColumnCell[]>;
}

export function groupCells(cells: ColumnCell[], into = new Map<string, ColumnCell[]>()): Map<string, ColumnCell[]> {
  for (const c of cells) {
    const list = into.get(c.column);
    if (list) list.push(c);
    else into.set(c.column, [c]);
  }
  return into;
}

/** Builds the view of one clustering row (or of the static-only row when `row` is null). */
export function rowView(
  token: bigint,
  partitionKey: Buffer[],
  staticCells: ColumnCell[],
  row: LiveRowData | null,
): RowView {
  const cells = groupCells(staticCells);
  if (row) groupCells(row.cells, cells);
  return { token, partitionKey, clustering: row ? row.clustering : null, cells };
}

/** A collection's elements as (key, value) pairs in the collection's order: set → (element, empty), list → (path, value), map → (key, value). */
export function collectionElements(col: ColumnMetadata, cells: ColumnCell[]): [Buffer, Buffer][] {
  const type = col.type;
  const pairs: [Buffer, Buffer][] = cells.map((c) => [c.path ?? Buffer.alloc(0), c.cell.value ?? Buffer.alloc(0)]);
  if (type.kind === 'list') return pairs.sort((a, b) => compareTimeUuids(a[0], b[0]));
  if (type.kind === 'set') return pairs.sort((a, b) => compareValues(type.element, a[0], b[0]));
  if (type.kind === 'map') return pairs.sort((a, b) => compareValues(type.key, a[0], b[0]));
  return pairs;
}

/**
 * The serialized value of a column in a row, as a client receives it: a
 * non-frozen collection is reassembled from its element cells; an empty one
 * reads as null, as in Cassandra.
 */
export function columnValue(col: ColumnMetadata, view: RowView): Buffer | null {
  if (col.kind === 'partition_key') return view.partitionKey[col.position] ?? null;
  if (col.kind === 'clustering') return view.clustering ? (view.clustering[col.position] ?? null) : null;
  const cells = view.cells.get(col.name);
  if (!cells || cells.length === 0) return null;
  const type = col.type;
  if (type.kind === 'native' || type.frozen) return cells[0]!.cell.value;
  const elements = collectionElements(col, cells);
  if (type.kind === 'set') return serializeCollection(elements.map((e) => e[0]), elements.length);
  if (type.kind === 'list') return serializeCollection(elements.map((e) => e[1]), elements.length);
  return serializeCollection(elements.flat(), elements.length);
}

/** For CONTAINS / CONTAINS KEY: the values and keys of a collection column, frozen or not. */
export function collectionContents(col: ColumnMetadata, view: RowView): { keys: Buffer[]; values: Buffer[] } {
  const type = col.type;
  if (type.kind === 'native') return { keys: [], values: [] };
  if (!type.frozen) {
    const elements = collectionElements(col, view.cells.get(col.name) ?? []);
    if (type.kind === 'set') return { keys: [], values: elements.map((e) => e[0]) };
    return { keys: elements.map((e) => e[0]), values: elements.map((e) => e[1]) };
  }
  const bytes = columnValue(col, view);
  if (!bytes) return { keys: [], values: [] };
  if (type.kind !== 'map') return { keys: [], values: parseCollection(bytes, 1, col.name) };
  const items = parseCollection(bytes, 2, col.name);
  return { keys: items.filter((_, i) => i % 2 === 0), values: items.filter((_, i) => i % 2 === 1) };
}
