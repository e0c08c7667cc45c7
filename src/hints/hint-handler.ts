/**
 * The target's side of hinted handoff: a HINT carries partitions this node
 * missed, with their original timestamps, and is applied through the engine
 * like any write (reconcile makes a replayed hint idempotent). A hint meant
 * for another host id (this address now belongs to a different node) is
 * refused, so the coordinator keeps it rather than deliver it to a stranger.
 */
import type { MessagingService } from '../net/messaging.js';
import type { StorageEngine } from '../storage/engine.js';
import { InvalidRequestError } from '../util/errors.js';

export function registerHintHandler(messaging: MessagingService, engine: Pick<StorageEngine, 'apply'>, hostId: () => string): void {
  messaging.handle('HINT', async ({ targetHostId, partitions }) => {
    const self = hostId();
    if (targetHostId !== self) throw new InvalidRequestError(`hint for host ${targetHostId} refused by host ${self}`);
    await engine.apply(partitions);
    return {};
  });
}
