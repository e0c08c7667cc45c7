/**
 * How the coordinator asks one replica for something. A request to this
 * node itself takes a fast path straight into the storage engine, with no
 * message, while no fault rule is installed; once an operator or a test
 * installs one, self-requests go through messaging too, so a rule naming
 * this node applies to them exactly as docs/messaging.md describes.
 *
 * A call given a Tracer records its steps: the storage work itself on the
 * fast path, or the message sent, the replica's own events (returned on the
 * response) and the response's arrival.
 */
import type { MessagingService } from '../net/messaging.js';
import type { BatchlogStoreRequest, EndpointId, RangeReadRequest } from '../net/payloads.js';
import type { StorageEngine } from '../storage/engine.js';
import type { Partition, ReadCommand, TableLayout } from '../storage/model.js';
import { removeBatch, storeBatch } from './batchlog.js';
import type { TraceEvent, Tracer } from '../util/tracing.js';
import { responseDigest } from './read-core.js';
import { traceReadDone, traceReadStart, traceWriteDone, traceWriteStart } from './trace-steps.js';

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
  async apply(to: EndpointId, partitions: Partition[], timeoutMs: number, verb: 'MUTATION' | 'READ_REPAIR' = 'MUTATION', trace?: Tracer): Promise<void> {
    if (this.local(to)) {
      if (trace) traceWriteStart(trace, partitions);
      await this.engine.apply(partitions);
      if (trace) traceWriteDone(trace);
    } else if (trace) {
      trace.event(`Sending ${verb} message to /${to}`);
      await this.received(trace, to, `${verb}_RSP`, this.messaging.request(to, verb, { partitions, trace: true }, { timeoutMs }));
    } else {
      await this.messaging.request(to, verb, { partitions }, { timeoutMs });
    }
  }

  async read(to: EndpointId, command: ReadCommand, timeoutMs: number, trace?: Tracer): Promise<Partition | null> {
    if (this.local(to)) {
      if (!trace) return (await this.engine.read(command)) ?? null;
      traceReadStart(trace, 'single-partition query locally');
      const partition = (await this.engine.read(command)) ?? null;
      traceReadDone(trace, [partition]);
      return partition;
    }
    if (!trace) return (await this.messaging.request(to, 'READ', { command }, { timeoutMs })).partition;
    trace.event(`Sending READ message to /${to}`);
    return (await this.received(trace, to, 'READ_RSP', this.messaging.request(to, 'READ', { command, trace: true }, { timeoutMs }))).partition;
  }

  async digest(to: EndpointId, layout: TableLayout, command: ReadCommand, asOfS: number, timeoutMs: number, trace?: Tracer): Promise<Buffer> {
    if (this.local(to)) {
      if (!trace) return responseDigest(layout, await this.engine.read(command), asOfS);
      traceReadStart(trace, 'single-partition query locally');
      const partition = await this.engine.read(command);
      traceReadDone(trace, [partition]);
      return responseDigest(layout, partition, asOfS);
    }
    if (!trace) return (await this.messaging.request(to, 'READ_DIGEST', { command, asOfS }, { timeoutMs })).digest;
    trace.event(`Sending READ_DIGEST message to /${to}`);
    const pending = this.messaging.request(to, 'READ_DIGEST', { command, asOfS, trace: true }, { timeoutMs });
    return (await this.received(trace, to, 'READ_DIGEST_RSP', pending)).digest;
  }

  async rangeRead(to: EndpointId, request: RangeReadRequest, timeoutMs: number, trace?: Tracer): Promise<Partition[]> {
    if (this.local(to)) {
      if (trace) traceReadStart(trace, `range scan locally over (${request.range.start}, ${request.range.end}]`);
      const partitions = await this.engine.scan(request.tableId, request.range, {
        ...(request.after ? { after: request.after } : {}),
        limitPartitions: request.limitPartitions,
        withStatic: request.withStatic,
      });
      if (trace) traceReadDone(trace, partitions);
      return partitions;
    }
    if (!trace) return (await this.messaging.request(to, 'RANGE_READ', request, { timeoutMs })).partitions;
    trace.event(`Sending RANGE_READ message to /${to}`);
    return (await this.received(trace, to, 'RANGE_READ_RSP', this.messaging.request(to, 'RANGE_READ', { ...request, trace: true }, { timeoutMs }))).partitions;
  }

  /**
   * A traced response: the replica's own events join the trace, then its
   * arrival here. The trace keeps waiting for it even once the request has
   * its answer, so a replica beyond the level still shows up.
   */
  private async received<R extends { trace?: TraceEvent[] }>(trace: Tracer, from: EndpointId, verb: string, pending: Promise<R>): Promise<R> {
    trace.track(pending);
    const response = await pending;
    trace.adopt(response.trace);
    trace.event(`${verb} message received from /${from}`);
    return response;
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
