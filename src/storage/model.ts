/**
 * The storage data model, shared by the write path, the read path, read
 * repair, hints and repair. It mirrors Cassandra's: a partition holds an
 * optional partition deletion, range tombstones over clustering prefixes, an
 * optional static row and clustering rows; a row holds an optional row marker
 * (written by INSERT), an optional row deletion, and cells. A non-frozen
 * collection is one cell per element (`path` is the element's key: the set
 * element, the map key, or the list element's timeuuid), plus an optional
 * collection deletion that shadows its older elements.
 *
 * Everything here is plain data (Buffers, numbers, arrays): it crosses the
 * internode wire unchanged.
 */

/** `localDeletionTimeS` of a cell that neither expires nor is a tombstone. */
export const NO_DELETION_TIME = 0x7fffffff;

export interface Cell {
  /** The serialized value; null marks a tombstone. */
  value: Buffer | null;
  /** Microseconds since the Unix epoch; decides every conflict. */
  timestampUs: number;
  /** Seconds to live as written; 0 when the cell does not expire. */
  ttlS: number;
  /**
   * Seconds since the epoch. For a tombstone: when it was written (gc_grace
   * counts from here). For an expiring cell: when it expires. Otherwise
   * NO_DELETION_TIME.
   */
  localDeletionTimeS: number;
}

/** When and at which write time something was deleted. */
export interface DeletionTime {
  timestampUs: number;
  localDeletionTimeS: number;
}

/** Serialized clustering column values, in clustering-column order. */
export type Clustering = Buffer[];

/**
 * One end of a clustering range. A prefix shorter than the clustering key
 * covers every row starting with it; the empty prefix is the open end.
 */
export interface ClusteringBound {
  prefix: Buffer[];
  inclusive: boolean;
}

export interface RangeTombstone {
  start: ClusteringBound;
  end: ClusteringBound;
  deletion: DeletionTime;
}

export interface ColumnCell {
  column: string;
  /** The element key inside a non-frozen collection; absent for simple columns. */
  path?: Buffer;
  cell: Cell;
}

export interface CollectionDeletion {
  column: string;
  deletion: DeletionTime;
}

export interface Row {
  /** [] for the static row. */
  clustering: Clustering;
  isStatic: boolean;
  /** The row marker INSERT writes (`value` is an empty Buffer); keeps a row alive with only its key set. */
  marker?: Cell;
  deletion?: DeletionTime;
  collectionDeletions: CollectionDeletion[];
  /** Sorted by column name, then path bytes. */
  cells: ColumnCell[];
}

/**
 * What a write carries for one partition, and equally what a read returns for
 * one partition before tombstones are applied and expired cells dropped
 * (Cassandra's "unfiltered" partition). Replicas' answers are merged with
 * `mergePartitions` (built on `reconcile`), then turned into live rows.
 */
export interface Partition {
  /** Table id (a uuid string): a dropped and re-created table never sees old data. */
  tableId: string;
  /** The serialized partition key (single column: its bytes; composite: Cassandra's composite encoding). */
  key: Buffer;
  /** Murmur3 token of `key`, as a signed 64-bit integer. */
  token: bigint;
  deletion?: DeletionTime;
  rangeTombstones: RangeTombstone[];
  /** Static row first (if any), then rows in clustering order. */
  rows: Row[];
}

/** A contiguous clustering slice of one partition: start ≤ rows ≤ end by the bounds' inclusivity. */
export interface Slice {
  start: ClusteringBound;
  end: ClusteringBound;
}

export interface ReadCommand {
  tableId: string;
  key: Buffer;
  token: bigint;
  /** Non-overlapping, in clustering order. Empty means the whole partition. */
  slices: Slice[];
  /** Whether to include the static row. */
  withStatic: boolean;
  /** Return rows last-to-first in clustering order (ORDER BY reversed). */
  reversed: boolean;
}

/** Tokens in (start, end]; `start === end` means the whole ring. */
export interface TokenRange {
  start: bigint;
  end: bigint;
}

/** The smallest token; never the token of a key. Cassandra's Murmur3Partitioner minimum. */
export const MIN_TOKEN = -(2n ** 63n);
export const MAX_TOKEN = 2n ** 63n - 1n;

/**
 * What storage needs to know of a table to lay out and order its keys. The
 * schema's table metadata produces it; storage never sees column names'
 * types beyond this.
 */
export interface TableLayout {
  id: string;
  /** e.g. 'ks.t', for messages only. */
  name: string;
  partitionKeyTypes: import('../schema/cql-type.js').CqlType[];
  clusteringTypes: import('../schema/cql-type.js').CqlType[];
  clusteringOrder: ('ASC' | 'DESC')[];
  /** Tombstones younger than this are never purged. */
  gcGraceSeconds: number;
  /**
   * Set only for a table whose partitions hold one row of single-cell
   * columns (no clustering columns, no non-frozen collections, including
   * among the columns it ever dropped): the names of every regular column it
   * has or dropped. A partition of such a table can hold only a known set of
   * keys, so LevelEngine reads it with one multi-key lookup instead of an
   * iterator.
   */
  cellColumns?: readonly string[];
}
