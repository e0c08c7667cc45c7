/**
 * The seam between statements and data. src/cql builds Partition mutations
 * and ReadCommands and hands them to a Coordinator; where the data lives and
 * how many replicas must answer is the coordinator's business. A single node
 * uses LocalCoordinator; the cluster replaces it with one that fans out to
 * replicas, with read repair and hints, without src/cql changing.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import type { Partition, ReadCommand, TableLayout, TokenRange } from '../storage/model.js';
import type { Tracer } from '../util/tracing.js';

export type WriteType = 'SIMPLE' | 'BATCH' | 'UNLOGGED_BATCH' | 'BATCH_LOG';

/** One keyspace's part of a logged batch that spans keyspaces. */
export interface KeyspaceWrites {
  keyspace: KeyspaceMetadata;
  partitions: Partition[];
}

export interface RangeReadCommand {
  tableId: string;
  range: TokenRange;
  /** Resume strictly after this partition (paging). */
  after?: { token: bigint; key: Buffer };
  limitPartitions: number;
  withStatic: boolean;
}

/**
 * Every operation takes an optional Tracer last: given one, the coordinator
 * records its steps and asks the replicas for theirs (TRACING ON); absent,
 * nothing is recorded or allocated.
 */
export interface Coordinator {
  /** Applies the mutations at `consistency`; throws UnavailableError / WriteTimeoutError. */
  write(keyspace: KeyspaceMetadata, partitions: Partition[], consistency: ConsistencyName, writeType: WriteType, trace?: Tracer): Promise<void>;
  /**
   * A logged batch whose partitions span keyspaces: applied as one, so that
   * eventually all of it is applied or none (one batchlog entry in a
   * cluster, one storage batch on a single node). A batch within one
   * keyspace goes through `write` with writeType BATCH.
   */
  writeLoggedBatch(writes: KeyspaceWrites[], consistency: ConsistencyName, trace?: Tracer): Promise<void>;
  /** Reads each partition at `consistency`, merged across replicas; unfiltered (tombstones included). */
  read(keyspace: KeyspaceMetadata, layout: TableLayout, commands: ReadCommand[], consistency: ConsistencyName, trace?: Tracer): Promise<(Partition | undefined)[]>;
  /** Scans whole partitions in token order. */
  scan(keyspace: KeyspaceMetadata, layout: TableLayout, command: RangeReadCommand, consistency: ConsistencyName, trace?: Tracer): Promise<Partition[]>;
  truncate(keyspace: KeyspaceMetadata, tableId: string, trace?: Tracer): Promise<void>;
}
