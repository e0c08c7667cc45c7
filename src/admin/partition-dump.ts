/**
 * A partition as one node stores it, turned into plain JSON in the manner of
 * Cassandra's sstabledump: the partition's key and deletion, then each row
 * (static first) with its liveness info (the INSERT row marker), deletion,
 * collection deletions and cells, each cell with its write time, ttl and
 * local deletion time; tombstones are shown, never applied. Values are CQL
 * literals. Times are raw: `tstamp` in microseconds since the epoch (as
 * sstabledump -t prints them), `local_delete_time` and `expires_at` in
 * seconds since the epoch.
 */
import { deserialize, formatCql } from '../schema/codec.js';
import type { CqlType } from '../schema/cql-type.js';
import { clusteringColumns, partitionKeyColumns, splitPartitionKey, type TableMetadata } from '../schema/table.js';
import { NO_DELETION_TIME, type Cell, type ClusteringBound, type DeletionTime, type Partition, type Row } from '../storage/model.js';

export interface DumpedDeletion {
  marked_deleted: number;
  local_delete_time: number;
}

export interface DumpedLiveness {
  tstamp: number;
  ttl?: number;
  expires_at?: number;
}

export interface DumpedCell {
  name: string;
  /** The element key inside a non-frozen collection. */
  path?: string;
  value?: string;
  tstamp?: number;
  ttl?: number;
  expires_at?: number;
  /** A cell tombstone's, or a collection deletion's. */
  deletion_info?: { marked_deleted?: number; local_delete_time: number };
}

export interface DumpedRow {
  type: 'row' | 'static_block';
  clustering?: string[];
  liveness_info?: DumpedLiveness;
  deletion_info?: DumpedDeletion;
  cells: DumpedCell[];
}

export interface DumpedRangeTombstone {
  type: 'range_tombstone';
  start: { clustering: string[]; inclusive: boolean };
  end: { clustering: string[]; inclusive: boolean };
  deletion_info: DumpedDeletion;
}

export interface DumpedPartition {
  partition: { key: string[]; token: string; deletion_info?: DumpedDeletion };
  rows: (DumpedRow | DumpedRangeTombstone)[];
}

export function dumpPartition(table: TableMetadata, p: Partition): DumpedPartition {
  const pkColumns = partitionKeyColumns(table);
  const keyParts = pkColumns.length === 1 ? [p.key] : splitPartitionKey(p.key, pkColumns.length);
  const clusteringTypes = clusteringColumns(table).map((c) => c.type);
  const clustering = (values: Buffer[]) => values.map((v, i) => literal(clusteringTypes[i]!, v));
  const rows: DumpedPartition['rows'] = [];
  for (const row of p.rows) rows.push(dumpRow(table, row, clustering));
  for (const rt of p.rangeTombstones) {
    const bound = (b: ClusteringBound) => ({ clustering: clustering(b.prefix), inclusive: b.inclusive });
    rows.push({ type: 'range_tombstone', start: bound(rt.start), end: bound(rt.end), deletion_info: deletion(rt.deletion) });
  }
  return {
    partition: {
      key: keyParts.map((k, i) => literal(pkColumns[i]!.type, k)),
      token: String(p.token),
      ...(p.deletion ? { deletion_info: deletion(p.deletion) } : {}),
    },
    rows,
  };
}

function dumpRow(table: TableMetadata, row: Row, clustering: (values: Buffer[]) => string[]): DumpedRow {
  const typeOf = (name: string): CqlType | undefined => table.columns.find((c) => c.name === name)?.type;
  const cells: DumpedCell[] = [];
  for (const d of row.collectionDeletions) cells.push({ name: d.column, deletion_info: deletion(d.deletion) });
  for (const { column, path, cell } of row.cells) {
    const type = typeOf(column);
    const out: DumpedCell = { name: column };
    if (path && type) out.path = literal(pathType(type), path);
    if (cell.value === null) {
      out.tstamp = cell.timestampUs;
      out.deletion_info = { local_delete_time: cell.localDeletionTimeS };
    } else {
      const valueType = type ? elementType(type, path !== undefined) : undefined;
      // A set element's value is empty: the element is its path.
      if (valueType) out.value = literal(valueType, cell.value);
      Object.assign(out, timing(cell));
    }
    cells.push(out);
  }
  return {
    type: row.isStatic ? 'static_block' : 'row',
    ...(row.isStatic ? {} : { clustering: clustering(row.clustering) }),
    ...(row.marker ? { liveness_info: timing(row.marker) as DumpedLiveness } : {}),
    ...(row.deletion ? { deletion_info: deletion(row.deletion) } : {}),
    cells,
  };
}

function timing(cell: Cell): { tstamp: number; ttl?: number; expires_at?: number } {
  if (cell.ttlS === 0 || cell.localDeletionTimeS === NO_DELETION_TIME) return { tstamp: cell.timestampUs };
  return { tstamp: cell.timestampUs, ttl: cell.ttlS, expires_at: cell.localDeletionTimeS };
}

function deletion(d: DeletionTime): DumpedDeletion {
  return { marked_deleted: d.timestampUs, local_delete_time: d.localDeletionTimeS };
}

/** The type of a collection cell's path: the set element, the map key, or a list element's timeuuid. */
function pathType(type: CqlType): CqlType {
  if (type.kind === 'set') return type.element;
  if (type.kind === 'map') return type.key;
  return { kind: 'native', name: 'timeuuid' };
}

/** The type of a cell's value: the whole column's, or one element's in a non-frozen collection; undefined for a set element. */
function elementType(type: CqlType, isElement: boolean): CqlType | undefined {
  if (!isElement || type.kind === 'native') return type;
  if (type.kind === 'set') return undefined;
  if (type.kind === 'map') return type.value;
  return type.element;
}

const TEXT_TYPES = new Set(['text', 'ascii', 'varchar']);

function literal(type: CqlType, bytes: Buffer): string {
  try {
    const value = deserialize(type, bytes);
    // Text shows as itself, as sstabledump prints it; everything else as its CQL literal.
    if (type.kind === 'native' && typeof value === 'string' && TEXT_TYPES.has(type.name)) return value;
    return formatCql(type, value);
  } catch {
    // Bytes a type cannot read (a column dropped and re-added with another type) still show, as hex.
    return `0x${bytes.toString('hex')}`;
  }
}
