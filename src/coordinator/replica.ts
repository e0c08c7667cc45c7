/**
 * The replica side of the coordinator: what a node does when a coordinator
 * (possibly itself, through messaging) asks it to apply, read, scan or
 * truncate. Every handler is a thin call into the storage engine; the
 * counting and the merging happen on the coordinator.
 */
import type { Clock } from '../clock/clock.js';
import type { MessagingService } from '../net/messaging.js';
import type { StorageEngine } from '../storage/engine.js';
import type { TableLayout } from '../storage/model.js';
import { InvalidRequestError } from '../util/errors.js';
import { removeBatch, storeBatch } from './batchlog.js';
import { responseDigest } from './read-core.js';

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

  messaging.handle('MUTATION', async ({ partitions }) => {
    await engine.apply(partitions);
    return {};
  });

  messaging.handle('READ_REPAIR', async ({ partitions }) => {
    await engine.apply(partitions);
    return {};
  });

  messaging.handle('READ', async ({ command }) => ({ partition: (await engine.read(command)) ?? null }));

  messaging.handle('READ_DIGEST', async ({ command, asOfS }) => {
    const partition = await engine.read(command);
    return { digest: responseDigest(layoutOf(command.tableId), partition, asOfS ?? clock.nowS()) };
  });

  messaging.handle('RANGE_READ', async (request) => ({
    partitions: await engine.scan(request.tableId, request.range, {
      ...(request.after ? { after: request.after } : {}),
      limitPartitions: request.limitPartitions,
      withStatic: request.withStatic,
    }),
  }));

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
