/**
 * The logged batch's write path: store the whole batch on up to two other
 * live nodes, write it at the level, then remove it from them. A batchlog
 * store that is not acknowledged in time is a WriteTimeout of write type
 * BATCH_LOG: nothing of the batch was applied yet.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { BatchlogStoreRequest, EndpointId } from '../net/payloads.js';
import type { TokenRing } from '../ring/token-ring.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import type { Partition } from '../storage/model.js';
import { WriteTimeoutError } from '../util/errors.js';
import type { Tracer } from '../util/tracing.js';
import type { CoordinatorContext } from './context.js';
import { Rendezvous } from './rendezvous.js';
import { executeWrites, type WriteGroup } from './write-path.js';

/** Nodes that hold a batchlog entry, at most. */
export const BATCHLOG_REPLICAS = 2;

/**
 * Where a batch is logged: live nodes other than the coordinator, its own
 * datacenter first, and within that other racks before its own, so one
 * failed rack does not take the coordinator and its batchlog together.
 * With no other live node the coordinator logs the batch itself. Pure.
 */
export function chooseBatchlogEndpoints(ring: TokenRing, self: EndpointId, localDc: string, isAlive: (e: EndpointId) => boolean): EndpointId[] {
  const selfRack = ring.has(self) ? ring.rackOf(self) : undefined;
  const rank = (e: EndpointId) => (ring.dcOf(e) === localDc ? 0 : 2) + (ring.rackOf(e) === selfRack ? 1 : 0);
  const candidates = ring
    .endpoints()
    .map((e) => e.id)
    .filter((e) => e !== self && isAlive(e))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  // Spread over racks: one per rack first, then fill from repeated racks.
  const chosen: EndpointId[] = [];
  const racks = new Set<string>();
  for (const e of candidates) {
    if (chosen.length < BATCHLOG_REPLICAS && !racks.has(`${ring.dcOf(e)}/${ring.rackOf(e)}`)) {
      chosen.push(e);
      racks.add(`${ring.dcOf(e)}/${ring.rackOf(e)}`);
    }
  }
  for (const e of candidates) if (chosen.length < BATCHLOG_REPLICAS && !chosen.includes(e)) chosen.push(e);
  return chosen.length > 0 ? chosen : [self];
}

/** One keyspace's share of a logged batch, with the replica groups planned for it. */
export interface PlannedKeyspaceWrites {
  keyspace: KeyspaceMetadata;
  partitions: Partition[];
  groups: WriteGroup[];
}

/**
 * Logs the batch, then writes every keyspace's share of it at the level,
 * then removes the log entries. One entry holds the whole batch, however
 * many keyspaces it spans, so a replay applies all of it.
 */
export async function writeLoggedBatch(
  ctx: CoordinatorContext,
  parts: PlannedKeyspaceWrites[],
  level: ConsistencyName,
  batchId: string,
  trace?: Tracer,
): Promise<void> {
  const holders = chooseBatchlogEndpoints(ctx.ring(), ctx.self, ctx.localDc, ctx.isAlive);
  trace?.event(`Storing the batch in the batchlog on ${holders.map((e) => `/${e}`).join(', ')}`);
  const [first, ...rest] = parts;
  const entry: BatchlogStoreRequest = { batchId, writtenAtUs: ctx.clock.nowUs(), partitions: first!.partitions, keyspace: first!.keyspace };
  if (rest.length > 0) entry.more = rest.map((p) => ({ keyspace: p.keyspace, partitions: p.partitions }));
  const timeoutMs = ctx.settings.write_request_timeout;
  let acks = 0;
  let failed = 0;
  const stored = new Rendezvous<void>(ctx.clock, timeoutMs, (timedOut) => {
    if (acks === holders.length) return { value: undefined };
    if (timedOut || acks + failed === holders.length) return { error: new WriteTimeoutError(level, acks, holders.length, 'BATCH_LOG') };
    return undefined;
  });
  for (const holder of holders) {
    ctx.replicas.storeBatch(holder, entry, timeoutMs).then(
      () => (acks++, stored.poke()),
      () => (failed++, stored.poke()),
    );
  }
  await stored.result;
  trace?.event('Batchlog stored; applying the batch');
  await Promise.all(parts.map((p) => executeWrites(ctx, p.keyspace, p.groups, level, 'BATCH', trace)));
  trace?.event('Removing the batch from the batchlog');
  for (const holder of holders) {
    ctx.replicas.removeBatch(holder, batchId).catch((err: Error) => ctx.log.debug(`BATCHLOG_REMOVE to ${holder} failed: ${err.message}`));
  }
}
