/**
 * How the coordinator asks one replica for something. A request to this
 * node itself takes a fast path straight into the storage engine, with no
 * message, while no fault rule is installed; once an operator or a test
 * installs one, self-requests go through messaging too, so a rule naming
 * this node applies to them exactly as docs/messaging.md describes.
 */
import type { MessagingService } from '../net/messaging.js';
import type { BatchlogStoreRequest, EndpointId, RangeReadRequest } from '../net/payloads.js';
import type { StorageEngine } from '../storage/engine.js';
import type { Partition, ReadCommand, TableLayout } from '../storage/model.js';
import { removeBatch, storeBatch } from './batchlog.js';
import { responseDigest } from './read-core.js';

export type ReplicaEngine = Pick<StorageEngine, 'apply' | 'read' | 'scan' | 'truncate' | 'getMeta' | 'putMeta' | 'deleteMeta' | 'listMeta'>;

export class ReplicaClient {
  constructor(
    private readonly self: EndpointId,
    private readonly messaging: MessagingService,
    private readonly engine: ReplicaEngine,
  ) {}

  private local(to: EndpointId): boolean {
    return to === this.self && this.messaging.faults.list().length === 0;
  }

  /** MUTATION (a write) or READ_REPAIR (a repair write); resolves on the replica's ack. */
  async apply(to: EndpointId, partitions: Partition[], timeoutMs: number, verb: 'MUTATION' | 'READ_REPAIR' = 'MUTATION'): Promise<void> {
    if (this.local(to)) await this.engine.apply(partitions);
    else await this.messaging.request(to, verb, { partitions }, { timeoutMs });
  }

  async read(to: EndpointId, command: ReadCommand, timeoutMs: number): Promise<Partition | null> {
    if (this.local(to)) return (await this.engine.read(command)) ?? null;
    return (await this.messaging.request(to, 'READ', { command }, { timeoutMs })).partition;
  }

  async digest(to: EndpointId, layout: TableLayout, command: ReadCommand, asOfS: number, timeoutMs: number): Promise<Buffer> {
    if (this.local(to)) return responseDigest(layout, await this.engine.read(command), asOfS);
    return (await this.messaging.request(to, 'READ_DIGEST', { command, asOfS }, { timeoutMs })).digest;
  }

  async rangeRead(to: EndpointId, request: RangeReadRequest, timeoutMs: number): Promise<Partition[]> {
    if (this.local(to)) {
      return this.engine.scan(request.tableId, request.range, {
        ...(request.after ? { after: request.after } : {}),
        limitPartitions: request.limitPartitions,
        withStatic: request.withStatic,
      });
    }
    return (await this.messaging.request(to, 'RANGE_READ', request, { timeoutMs })).partitions;
  }

  async truncate(to: EndpointId, tableId: string, timeoutMs: number): Promise<void> {
    if (this.local(to)) await this.engine.truncate(tableId);
    else await this.messaging.request(to, 'TRUNCATE', { tableId }, { timeoutMs });
  }

  async storeBatch(to: EndpointId, entry: BatchlogStoreRequest, timeoutMs: number): Promise<void> {
    if (this.local(to)) await storeBatch(this.engine, entry);
    else await this.messaging.request(to, 'BATCHLOG_STORE', entry, { timeoutMs });
  }

  /** One-way: a lost remove only means the batch is replayed once more, which reconcile makes harmless. */
  async removeBatch(to: EndpointId, batchId: string): Promise<void> {
    if (this.local(to)) await removeBatch(this.engine, batchId);
    else this.messaging.send(to, 'BATCHLOG_REMOVE', { batchId });
  }
}
