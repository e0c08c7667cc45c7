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
import type { Coordinator, RangeReadCommand, WriteType } from './coordinator.js';

export class LocalCoordinator implements Coordinator {
  constructor(
    private readonly storage: Pick<StorageEngine, 'apply' | 'read' | 'scan' | 'truncate'>,
    /** The datacenter this node reports (Cassandra's default is datacenter1). */
    private readonly localDc = 'datacenter1',
  ) {}

  async write(keyspace: KeyspaceMetadata, partitions: Partition[], consistency: ConsistencyName, _writeType: WriteType): Promise<void> {
    assertWritableLevel(consistency);
    this.assureAvailable(keyspace, consistency);
    await this.storage.apply(partitions);
  }

  async read(keyspace: KeyspaceMetadata, _layout: TableLayout, commands: ReadCommand[], consistency: ConsistencyName): Promise<(Partition | undefined)[]> {
    assertReadableLevel(consistency);
    this.assureAvailable(keyspace, consistency);
    return Promise.all(commands.map((c) => this.storage.read(c)));
  }

  async scan(keyspace: KeyspaceMetadata, _layout: TableLayout, command: RangeReadCommand, consistency: ConsistencyName): Promise<Partition[]> {
    assertReadableLevel(consistency);
    this.assureAvailable(keyspace, consistency);
    return this.storage.scan(command.tableId, command.range, {
      ...(command.after ? { after: command.after } : {}),
      limitPartitions: command.limitPartitions,
      withStatic: command.withStatic,
    });
  }

  /** Truncation needs every replica, as in Cassandra; the only replica is this node. */
  async truncate(_keyspace: KeyspaceMetadata, tableId: string): Promise<void> {
    await this.storage.truncate(tableId);
  }

  private assureAvailable(keyspace: KeyspaceMetadata, consistency: ConsistencyName): void {
    assureSufficientLiveReplicas(consistency, keyspace.replication, this.localDc, { [this.localDc]: 1 });
  }
}
