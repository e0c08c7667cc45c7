/**
 * Keyspace and table metadata: what DDL creates and every statement is
 * validated against. Plain data (it is persisted and, in a cluster, gossiped
 * between nodes); helpers below derive what other layers need from it.
 */
import { isMultiCell, type CqlType } from './cql-type.js';
import type { TableLayout } from '../storage/model.js';

export type ColumnKind = 'partition_key' | 'clustering' | 'regular' | 'static';

export interface ColumnMetadata {
  name: string;
  type: CqlType;
  kind: ColumnKind;
  /** Position within the partition key or clustering key; 0 for regular and static columns. */
  position: number;
  /** For clustering columns. */
  order?: 'ASC' | 'DESC';
}

export interface TableOptions {
  default_time_to_live: number;
  gc_grace_seconds: number;
  comment: string;
  /** 'BLOCKING' or 'NONE' (read repair arrives with the cluster). */
  read_repair: 'BLOCKING' | 'NONE';
}

export const DEFAULT_TABLE_OPTIONS: Readonly<TableOptions> = Object.freeze({
  default_time_to_live: 0,
  gc_grace_seconds: 864_000,
  comment: '',
  read_repair: 'BLOCKING',
});

export interface TableMetadata {
  keyspace: string;
  name: string;
  /** A uuid; storage keys start with it, so a re-created table never sees the old one's data. */
  id: string;
  /** In declaration order (as DESCRIBE prints them): partition key, clustering, then the rest. */
  columns: ColumnMetadata[];
  options: TableOptions;
  /**
   * Columns ALTER TABLE DROP removed, with when (µs): cells written at or
   * before that time stay invisible even if a column of that name is added
   * again, as in Cassandra. Absent when nothing was ever dropped.
   */
  dropped?: DroppedColumn[];
}

export interface DroppedColumn {
  name: string;
  type: CqlType;
  kind: ColumnKind;
  droppedAtUs: number;
}

export interface ReplicationOptions {
  class: 'SimpleStrategy' | 'NetworkTopologyStrategy';
  /** SimpleStrategy: { replication_factor: n }; NetworkTopologyStrategy: { dcName: n, ... }. */
  factors: Record<string, number>;
}

export interface KeyspaceMetadata {
  name: string;
  replication: ReplicationOptions;
  durableWrites: boolean;
}

export function partitionKeyColumns(table: TableMetadata): ColumnMetadata[] {
  return table.columns.filter((c) => c.kind === 'partition_key').sort((a, b) => a.position - b.position);
}

export function clusteringColumns(table: TableMetadata): ColumnMetadata[] {
  return table.columns.filter((c) => c.kind === 'clustering').sort((a, b) => a.position - b.position);
}

export function column(table: TableMetadata, name: string): ColumnMetadata | undefined {
  return table.columns.find((c) => c.name === name);
}

/** Layouts by table version: metadata is replaced, never changed in place, so a version's layout never goes stale. */
const layouts = new WeakMap<TableMetadata, TableLayout>();

/** What storage needs of a table (cached per metadata version: reads and writes ask for it on every request). */
export function tableLayout(table: TableMetadata): TableLayout {
  const cached = layouts.get(table);
  if (cached) return cached;
  const clustering = clusteringColumns(table);
  const layout: TableLayout = {
    id: table.id,
    name: `${table.keyspace}.${table.name}`,
    partitionKeyTypes: partitionKeyColumns(table).map((c) => c.type),
    clusteringTypes: clustering.map((c) => c.type),
    clusteringOrder: clustering.map((c) => c.order ?? 'ASC'),
    gcGraceSeconds: table.options.gc_grace_seconds,
  };
  const cellColumns = clustering.length === 0 ? singleCellColumns(table) : undefined;
  if (cellColumns) layout.cellColumns = cellColumns;
  layouts.set(table, layout);
  return layout;
}

/** Every regular column the table has or dropped, if none is a non-frozen collection (stored as one cell per element). */
function singleCellColumns(table: TableMetadata): string[] | undefined {
  const names = new Set<string>();
  for (const c of [...table.columns, ...(table.dropped ?? [])]) {
    if (c.kind !== 'regular') continue;
    if (isMultiCell(c.type)) return undefined;
    names.add(c.name);
  }
  return [...names];
}

/**
 * Cassandra's partition key serialization: one column is its bytes; several
 * are the CompositeType encoding (per component a 2-byte length, the bytes,
 * and a 0 end-of-component byte). Tokens are computed over these bytes.
 */
export function serializePartitionKey(components: Buffer[]): Buffer {
  if (components.length === 1) return components[0]!;
  const parts: Buffer[] = [];
  for (const c of components) {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(c.length);
    parts.push(len, c, Buffer.from([0]));
  }
  return Buffer.concat(parts);
}

export function splitPartitionKey(key: Buffer, count: number): Buffer[] {
  if (count === 1) return [key];
  const out: Buffer[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const len = key.readUInt16BE(pos);
    out.push(key.subarray(pos + 2, pos + 2 + len));
    pos += 3 + len;
  }
  return out;
}

/**
 * One versioned element of the schema, as nodes exchange it. A drop leaves
 * the entry without a definition (a tombstone), so a node that missed the
 * drop learns it. Two nodes merge their entries by last-write-wins on
 * `timestampUs` (ties broken on the definition's bytes), so concurrent DDL
 * converges to the same schema everywhere.
 */
export type SchemaEntry =
  | { kind: 'keyspace'; name: string; timestampUs: number; keyspace?: KeyspaceMetadata }
  | { kind: 'table'; keyspace: string; name: string; timestampUs: number; table?: TableMetadata };
