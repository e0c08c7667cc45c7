/**
 * The coordinator of a single node: this node is the only replica of every
 * token, so one replica is alive whatever the keyspace's replication factor.
 * Consistency is still checked with the cluster's arithmetic, so QUORUM on a
 * keyspace with RF 3 fails with Unavailable (2 required, 1 alive) exactly as a
 * one-node Cassandra cluster answers. Then the storage engine does the work.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import { assertReadableLevel, assertWritableLevel, assureSufficientLiveReplicas } from '../ring/consistency.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import type { StorageEngine } from '../storage/engine.js';
import type { Partition, ReadCommand, TableLayout } from '../storage/model.js';
import type { Tracer } from '../util/tracing.js';
import type { Coordinator, KeyspaceWrites, RangeReadCommand, WriteType } from './coordinator.js';
import { traceReadDone, traceReadStart, traceWriteDone, traceWriteStart } from './trace-steps.js';

export class LocalCoordinator implements Coordinator {
  constructor(
    private readonly storage: Pick<StorageEngine, 'apply' | 'read' | 'scan' | 'truncate'>,
    /** The datacenter this node reports (Cassandra's default is datacenter1). */
    private readonly localDc = 'datacenter1',
  ) {}

  async write(keyspace: KeyspaceMetadata, partitions: Partition[], consistency: ConsistencyName, _writeType: WriteType, trace?: Tracer): Promise<void> {
    assertWritableLevel(consistency);
    this.assureAvailable(keyspace, consistency);
    if (trace) traceWriteStart(trace, partitions);
    await this.storage.apply(partitions);
    if (trace) traceWriteDone(trace);
  }

  /** One storage apply: the engine writes one apply's partitions in one LevelDB batch, which is atomic. */
  async writeLoggedBatch(writes: KeyspaceWrites[], consistency: ConsistencyName, trace?: Tracer): Promise<void> {
    assertWritableLevel(consistency);
    for (const w of writes) this.assureAvailable(w.keyspace, consistency);
    const partitions = writes.flatMap((w) => w.partitions);
    if (partitions.length === 0) return;
    if (trace) traceWriteStart(trace, partitions);
    await this.storage.apply(partitions);
    if (trace) traceWriteDone(trace);
  }

  async read(
    keyspace: KeyspaceMetadata,
    layout: TableLayout,
    commands: ReadCommand[],
    consistency: ConsistencyName,
    trace?: Tracer,
  ): Promise<(Partition | undefined)[]> {
    assertReadableLevel(consistency);
    this.assureAvailable(keyspace, consistency);
    if (trace) traceReadStart(trace, `single-partition query on ${layout.name}`);
    const partitions = await Promise.all(commands.map((c) => this.storage.read(c)));
    if (trace) traceReadDone(trace, partitions);
    return partitions;
  }

  async scan(keyspace: KeyspaceMetadata, layout: TableLayout, command: RangeReadCommand, consistency: ConsistencyName, trace?: Tracer): Promise<Partition[]> {
    assertReadableLevel(consistency);
    this.assureAvailable(keyspace, consistency);
    if (trace) traceReadStart(trace, `range scan of ${layout.name}`);
    const partitions = await this.storage.scan(command.tableId, command.range, {
      ...(command.after ? { after: command.after } : {}),
      limitPartitions: command.limitPartitions,
      withStatic: command.withStatic,
    });
    if (trace) traceReadDone(trace, partitions);
    return partitions;
  }

  /** Truncation needs every replica, as in Cassandra; the only replica is this node. */
  async truncate(_keyspace: KeyspaceMetadata, tableId: string): Promise<void> {
    await this.storage.truncate(tableId);
  }

  private assureAvailable(keyspace: KeyspaceMetadata, consistency: ConsistencyName): void {
    assureSufficientLiveReplicas(consistency, keyspace.replication, this.localDc, { [this.localDc]: 1 });
  }
}
