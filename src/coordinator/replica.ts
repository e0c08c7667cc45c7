/**
 * The replica side of the coordinator: what a node does when a coordinator
 * (possibly itself, through messaging) asks it to apply, read, scan or
 * truncate. Every handler is a thin call into the storage engine; the
 * counting and the merging happen on the coordinator. A request flagged
 * `trace` is run in a TraceSession of this replica and its events ride back
 * on the response (src/util/tracing.ts).
 */
import type { Clock } from '../clock/clock.js';
import type { MessagingService } from '../net/messaging.js';
import type { StorageEngine } from '../storage/engine.js';
import type { EndpointId, RangeReadRequest } from '../net/payloads.js';
import type { Partition, ReadCommand, TableLayout } from '../storage/model.js';
import { InvalidRequestError } from '../util/errors.js';
import { TraceSession, type TraceEvent, type Tracer } from '../util/tracing.js';
import { removeBatch, storeBatch } from './batchlog.js';
import { responseDigest } from './read-core.js';
import { traceReadDone, traceReadStart, traceWriteDone, traceWriteStart } from './trace-steps.js';

export interface ReplicaHandlerOptions {
  engine: Pick<StorageEngine, 'apply' | 'read' | 'scan' | 'truncate' | 'getMeta' | 'putMeta' | 'deleteMeta' | 'listMeta'>;
  layouts: (tableId: string) => TableLayout | undefined;
  clock: Clock;
}

/** Registers MUTATION, READ, READ_DIGEST, RANGE_READ, READ_REPAIR, TRUNCATE, BATCHLOG_STORE and BATCHLOG_REMOVE. */
export function registerReplicaHandlers(messaging: MessagingService, options: ReplicaHandlerOptions): void {
  const { engine, layouts, clock } = options;
  const layoutOf = (tableId: string): TableLayout => {
    const layout = layouts(tableId);
    // A table this replica does not know yet (schema still propagating) cannot be read consistently.
    if (!layout) throw new InvalidRequestError(`unknown table id ${tableId} on this replica`);
    return layout;
  };

  const self = messaging.self;
  const nameOf = (tableId: string) => layouts(tableId)?.name ?? tableId;

  /** Runs a traced request's work in a session of this replica, returning its events with the answer. */
  const traced = async <R extends object>(verb: string, from: EndpointId, work: (trace: Tracer) => Promise<R>): Promise<R & { trace: TraceEvent[] }> => {
    const session = new TraceSession(self, clock);
    session.event(`${verb} message received from /${from}`);
    const answer = await work(session);
    session.event(`Enqueuing response to /${from}`);
    return { ...answer, trace: session.events() };
  };

  const apply = async (partitions: Partition[], trace: Tracer | undefined) => {
    // Refused before storage sees any of it, with the error a coordinator expects while schema propagates.
    for (const p of partitions) layoutOf(p.tableId);
    if (trace) traceWriteStart(trace, partitions);
    await engine.apply(partitions);
    if (trace) traceWriteDone(trace);
    return {};
  };

  messaging.handle('MUTATION', ({ partitions, trace }, from) =>
    trace ? traced('MUTATION', from, (t) => apply(partitions, t)) : apply(partitions, undefined),
  );

  messaging.handle('READ_REPAIR', ({ partitions, trace }, from) =>
    trace ? traced('READ_REPAIR', from, (t) => apply(partitions, t)) : apply(partitions, undefined),
  );

  const read = async (command: ReadCommand, trace: Tracer | undefined) => {
    if (trace) traceReadStart(trace, `single-partition query on ${nameOf(command.tableId)}`);
    const partition = (await engine.read(command)) ?? null;
    if (trace) traceReadDone(trace, [partition]);
    return partition;
  };

  messaging.handle('READ', async ({ command, trace }, from) =>
    trace ? traced('READ', from, async (t) => ({ partition: await read(command, t) })) : { partition: await read(command, undefined) },
  );

  const digest = async (command: ReadCommand, asOfS: number | undefined, trace: Tracer | undefined) => {
    const partition = await read(command, trace);
    return { digest: responseDigest(layoutOf(command.tableId), partition, asOfS ?? clock.nowS()) };
  };

  messaging.handle('READ_DIGEST', ({ command, asOfS, trace }, from) =>
    trace ? traced('READ_DIGEST', from, (t) => digest(command, asOfS, t)) : digest(command, asOfS, undefined),
  );

  const scan = async (request: RangeReadRequest, trace: Tracer | undefined) => {
    if (trace) traceReadStart(trace, `range scan of ${nameOf(request.tableId)} over (${request.range.start}, ${request.range.end}]`);
    const partitions = await engine.scan(request.tableId, request.range, {
      ...(request.after ? { after: request.after } : {}),
      limitPartitions: request.limitPartitions,
      withStatic: request.withStatic,
    });
    if (trace) traceReadDone(trace, partitions);
    return { partitions };
  };

  messaging.handle('RANGE_READ', (request, from) => (request.trace ? traced('RANGE_READ', from, (t) => scan(request, t)) : scan(request, undefined)));

  messaging.handle('TRUNCATE', async ({ tableId }) => {
    await engine.truncate(tableId);
    return {};
  });

  messaging.handle('BATCHLOG_STORE', async (entry) => {
    await storeBatch(engine, entry);
    return {};
  });

  messaging.handle('BATCHLOG_REMOVE', async ({ batchId }) => {
    await removeBatch(engine, batchId);
  });
}
