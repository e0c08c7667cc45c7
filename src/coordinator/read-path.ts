/**
 * The single-partition read path: one data read to the closest live replica
 * and digest reads to the next blockFor−1, all hashed at one asOfS the
 * coordinator picks; on a mismatch, full reads from the digest replicas, a
 * merge through reconcile, and blocking read repair (the merged partition
 * written back to the stale replicas, enough of them acknowledged to reach
 * the level) before the answer. src/ring/read-core.ts decides; this drives.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { EndpointId } from '../net/payloads.js';
import { assureLiveReplicas } from '../ring/consistency.js';
import { ReadTracker, type ReadAction } from '../ring/read-core.js';
import { naturalReplicas } from '../ring/replication.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import type { Partition, ReadCommand, TableLayout } from '../storage/model.js';
import { mergePartitions } from '../storage/partition.js';
import { ReadTimeoutError } from '../util/errors.js';
import type { Tracer } from '../util/tracing.js';
import { replicaStates, type CoordinatorContext } from './context.js';
import { orderByProximity, readContacts, repairPlan, responseDigest, type ReadRepairMode } from './read-core.js';
import { Rendezvous } from './rendezvous.js';

/** The replicas one read contacts, the data replica first; throws UnavailableError when too few are alive. */
export function planRead(ctx: CoordinatorContext, keyspace: KeyspaceMetadata, token: bigint, level: ConsistencyName): EndpointId[] {
  const states = orderByProximity(replicaStates(ctx, naturalReplicas(ctx.ring(), keyspace.replication, token)), ctx.self, ctx.localDc);
  assureLiveReplicas(level, keyspace.replication, ctx.localDc, states, (s) => s.alive, (s) => s.dc);
  return readContacts(level, keyspace.replication, ctx.localDc, states);
}

/** Merges two replicas' answers; a replica holding nothing answers null. */
export function mergeAnswers(layout: TableLayout, a: Partition | null, b: Partition | null): Partition | null {
  return a && b ? mergePartitions(layout, a, b) : (a ?? b);
}

export async function readPartition(
  ctx: CoordinatorContext,
  keyspace: KeyspaceMetadata,
  layout: TableLayout,
  command: ReadCommand,
  level: ConsistencyName,
  contacts: EndpointId[],
  readRepair: ReadRepairMode,
  trace?: Tracer,
): Promise<Partition | undefined> {
  const asOfS = ctx.clock.nowS();
  const timeoutMs = ctx.settings.read_request_timeout;
  const tracker = new ReadTracker<Partition | null>({
    level,
    replication: keyspace.replication,
    localDc: ctx.localDc,
    dcOf: ctx.dcOf,
    merge: (a, b) => mergeAnswers(layout, a, b),
    digest: (p) => responseDigest(layout, p, asOfS),
  });
  const timeout = () => new ReadTimeoutError(level, tracker.received(), tracker.blockFor, tracker.dataPresent());

  // Round one: data from the closest replica, digests from the others.
  const outstanding = new Set(contacts);
  const first = new Rendezvous<ReadAction<Partition | null>>(ctx.clock, timeoutMs, (timedOut) => {
    const action = tracker.finalAction();
    if (action !== 'pending') return { value: action };
    return timedOut || outstanding.size === 0 ? { error: timeout() } : undefined;
  });
  const answered = (endpoint: EndpointId, rendezvous: { poke(): void }) => {
    outstanding.delete(endpoint);
    rendezvous.poke();
  };
  const [dataReplica, ...digestReplicas] = contacts;
  trace?.event(`reading data from /${dataReplica}`);
  ctx.replicas.read(dataReplica!, command, timeoutMs, trace).then(
    (p) => (tracker.data(dataReplica!, p), answered(dataReplica!, first)),
    () => (tracker.fail(dataReplica!), answered(dataReplica!, first)),
  );
  for (const endpoint of digestReplicas) {
    trace?.event(`reading digest from /${endpoint}`);
    ctx.replicas.digest(endpoint, layout, command, asOfS, timeoutMs, trace).then(
      (d) => (tracker.digest(endpoint, d), answered(endpoint, first)),
      () => (tracker.fail(endpoint), answered(endpoint, first)),
    );
  }
  let action = await first.result;
  if (trace && digestReplicas.length > 0) traceDigests(trace, action);

  // Round two, on a digest mismatch: full data from the replicas that sent digests.
  if (typeof action === 'object' && 'digestMismatch' in action) {
    if (ctx.readRepair) ctx.readRepair.attempted++;
    const wanted = new Set(action.digestMismatch);
    const second = new Rendezvous<ReadAction<Partition | null>>(ctx.clock, timeoutMs, (timedOut) => {
      if (timedOut || wanted.size === 0) {
        const next = tracker.finalAction();
        if (next === 'pending' || (typeof next === 'object' && 'digestMismatch' in next)) return { error: timeout() };
        return { value: next };
      }
      return undefined;
    });
    for (const endpoint of action.digestMismatch) {
      trace?.event(`reading data from /${endpoint}`);
      ctx.replicas.read(endpoint, command, timeoutMs, trace).then(
        (p) => (tracker.data(endpoint, p), wanted.delete(endpoint), second.poke()),
        () => (tracker.fail(endpoint), wanted.delete(endpoint), second.poke()),
      );
    }
    action = await second.result;
  }

  if (action === 'respond') return tracker.result() ?? undefined;
  if (typeof action === 'object' && 'readRepair' in action) {
    const { merged, endpoints } = action.readRepair;
    if (merged) await repairBlocking(ctx, level, tracker.blockFor, contacts, endpoints, merged, readRepair, undefined, trace);
    return merged ?? undefined;
  }
  throw timeout();
}

/** What comparing the first round's digests decided, in the trace's words. */
function traceDigests(trace: Tracer, action: ReadAction<Partition | null>): void {
  if (action === 'respond') trace.event('Digests match');
  else if (typeof action === 'object' && 'digestMismatch' in action) {
    trace.event(`Digest mismatch: requesting full data from ${action.digestMismatch.map((e) => `/${e}`).join(', ')}`);
  } else if (typeof action === 'object' && 'readRepair' in action) {
    trace.event(`Digest mismatch: stale replicas ${action.readRepair.endpoints.map((e) => `/${e}`).join(', ')}`);
  }
}

/**
 * Writes the merged partitions to the stale replicas and waits until enough
 * acknowledged for the level's replicas to hold the answer. A repair that
 * times out is a ReadTimeout: the data was read, but the level's guarantee
 * could not be established.
 */
export async function repairBlocking(
  ctx: CoordinatorContext,
  level: ConsistencyName,
  blockForCount: number,
  counted: readonly EndpointId[],
  stale: readonly EndpointId[],
  merged: Partition | Partition[],
  mode: ReadRepairMode,
  partitionsFor?: (endpoint: EndpointId) => Partition[],
  trace?: Tracer,
): Promise<void> {
  const plan = repairPlan(counted, stale, blockForCount, mode);
  if (trace && stale.length > 0) {
    const names = stale.map((e) => `/${e}`).join(', ');
    trace.event(plan.stale.length === 0 ? `Read repair off (read_repair NONE): not repairing ${names}` : `Read repair: sending the merged data to ${names}, waiting for ${plan.acksNeeded} acks`);
  }
  if (plan.stale.length === 0) return;
  if (ctx.readRepair) ctx.readRepair.mismatchBlocking++;
  const timeoutMs = ctx.settings.write_request_timeout;
  let acks = 0;
  const done = new Rendezvous<void>(ctx.clock, timeoutMs, (timedOut) => {
    if (acks >= plan.acksNeeded) return { value: undefined };
    return timedOut ? { error: new ReadTimeoutError(level, blockForCount - plan.acksNeeded + acks, blockForCount, true) } : undefined;
  });
  const all = Array.isArray(merged) ? merged : [merged];
  for (const endpoint of plan.stale) {
    ctx.replicas.apply(endpoint, partitionsFor?.(endpoint) ?? all, timeoutMs, 'READ_REPAIR', trace).then(
      () => (acks++, done.poke()),
      (err: Error) => ctx.log.debug(`READ_REPAIR to ${endpoint} failed: ${err.message}`),
    );
  }
  done.poke();
  await done.result;
  trace?.event('Read repair complete');
}
