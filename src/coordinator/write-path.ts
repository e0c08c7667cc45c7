/**
 * The write path. Partitions are grouped by their natural and pending
 * replicas (one MUTATION per replica carries every partition of its group;
 * pending replicas are those gaining the token while the ring changes, and
 * each makes the group wait for one more ack); every group's
 * live replicas are checked against the level before anything is sent
 * (Unavailable); then each live replica gets the mutation, each down one a
 * hint, and the write succeeds once every group's WriteTracker is satisfied.
 * Replicas that fail or stay silent past write_request_timeout get a hint
 * too, even after the write has succeeded without them.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { EndpointId } from '../net/payloads.js';
import { assureLiveReplicas } from '../ring/consistency.js';
import { naturalReplicas } from '../ring/replication.js';
import { WriteTracker } from '../ring/write-core.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import type { Partition } from '../storage/model.js';
import { SibylError, UnavailableError, WriteFailureError, WriteTimeoutError } from '../util/errors.js';
import type { Tracer } from '../util/tracing.js';
import type { WriteType } from './coordinator.js';
import { replicaStates, type CoordinatorContext } from './context.js';
import { Rendezvous } from './rendezvous.js';

export interface WriteGroup {
  partitions: Partition[];
  /** Live natural replicas: each gets the mutation. */
  targets: EndpointId[];
  /** Natural replicas known down: each gets a hint. */
  down: EndpointId[];
  /** Pending replicas of the group's tokens (also in targets or down). */
  pending: EndpointId[];
}

/**
 * Groups the partitions by replica set and checks every group's
 * availability; throws UnavailableError before anything is sent.
 */
export function planWrites(
  ctx: CoordinatorContext,
  keyspace: KeyspaceMetadata,
  partitions: Partition[],
  level: ConsistencyName,
  trace?: Tracer,
): WriteGroup[] {
  trace?.event('Determining replicas for mutation');
  const ring = ctx.ring();
  const groups = new Map<string, WriteGroup>();
  for (const p of partitions) {
    const replicas = naturalReplicas(ring, keyspace.replication, p.token);
    const pending = ctx.pendingReplicas?.(keyspace.replication, p.token) ?? [];
    const key = pending.length === 0 ? replicas.join(',') : `${replicas.join(',')}+${pending.join(',')}`;
    let group = groups.get(key);
    if (!group) {
      const states = replicaStates(ctx, replicas);
      const pendingStates = replicaStates(ctx, pending);
      assureLiveReplicas(level, keyspace.replication, ctx.localDc, states, (s) => s.alive, (s) => s.dc, pendingStates);
      const all = [...states, ...pendingStates];
      group = {
        partitions: [],
        targets: all.filter((s) => s.alive).map((s) => s.endpoint),
        down: all.filter((s) => !s.alive).map((s) => s.endpoint),
        pending: [...pending],
      };
      // ANY is satisfied by a hint; with no hint store wired it needs one live replica, like ONE.
      if (level === 'ANY' && group.targets.length === 0 && !ctx.onHint) throw new UnavailableError(level, 1, 0);
      groups.set(key, group);
    }
    group.partitions.push(p);
  }
  if (trace) for (const group of groups.values()) traceGroup(trace, group);
  return [...groups.values()];
}

function traceGroup(trace: Tracer, group: WriteGroup): void {
  const n = group.partitions.length;
  const down = group.down.length > 0 ? `; down: ${group.down.map((e) => `/${e}`).join(', ')}` : '';
  const pending = group.pending.length > 0 ? `; pending: ${group.pending.map((e) => `/${e}`).join(', ')}` : '';
  trace.event(`Replicas for ${n} partition${n === 1 ? '' : 's'}: ${group.targets.map((e) => `/${e}`).join(', ')}${down}${pending}`);
}

/** Sends every group's mutations and resolves once each group reached the level. */
export async function executeWrites(
  ctx: CoordinatorContext,
  keyspace: KeyspaceMetadata,
  groups: WriteGroup[],
  level: ConsistencyName,
  writeType: WriteType,
  trace?: Tracer,
): Promise<void> {
  await Promise.all(groups.map((group) => writeGroup(ctx, keyspace, group, level, writeType, trace)));
}

function writeGroup(
  ctx: CoordinatorContext,
  keyspace: KeyspaceMetadata,
  group: WriteGroup,
  level: ConsistencyName,
  writeType: WriteType,
  trace: Tracer | undefined,
): Promise<void> {
  const timeoutMs = ctx.settings.write_request_timeout;
  const tracker = new WriteTracker({
    level,
    replication: keyspace.replication,
    localDc: ctx.localDc,
    targets: group.targets,
    dcOf: ctx.dcOf,
    pending: group.pending,
  });
  /** Errors replicas answered with (not messaging failures such as a timeout), by replica. */
  const reasons = new Map<EndpointId, string>();
  const done = new Rendezvous<void>(ctx.clock, timeoutMs, (timedOut) => {
    if (timedOut) tracker.timeout();
    const outcome = tracker.outcome();
    if (outcome === 'success') return { value: undefined };
    if (outcome === 'pending') return undefined;
    // Replicas that answered with an error count as missing acks: the write may still have applied elsewhere.
    if ('timeout' in outcome) return { error: new WriteTimeoutError(level, outcome.timeout.received, tracker.blockFor, writeType) };
    // Replicas that said why they failed (a full disk) make it a WriteFailure carrying their reasons;
    // replicas that could not be reached only ever make it a WriteTimeout, as before.
    if (reasons.size === 0) return { error: new WriteTimeoutError(level, outcome.failure.received, tracker.blockFor, writeType) };
    const why = [...reasons].map(([endpoint, reason]) => `${reason} from /${endpoint}`).join(', ');
    return { error: new WriteFailureError(level, outcome.failure.received, tracker.blockFor, outcome.failure.failures, writeType, why) };
  });
  const hint = (target: EndpointId) => {
    void storeHints(ctx, target, group.partitions).then((stored) => {
      if (!stored) return;
      tracker.hintStored();
      done.poke();
    });
  };
  for (const target of group.targets) {
    ctx.replicas.apply(target, group.partitions, timeoutMs, 'MUTATION', trace).then(
      () => {
        tracker.ack(target);
        done.poke();
      },
      (err: Error) => {
        ctx.log.debug(`MUTATION to ${target} failed: ${err.message}`);
        trace?.event(`MUTATION to /${target} failed: ${err.message}`);
        if (err instanceof SibylError) reasons.set(target, err.message);
        tracker.fail(target);
        done.poke();
        hint(target);
      },
    );
  }
  for (const target of group.down) hint(target);
  done.poke();
  return done.result;
}

/** Hands each missed partition to the hint seam; true once all are stored. */
async function storeHints(ctx: CoordinatorContext, target: EndpointId, partitions: Partition[]): Promise<boolean> {
  const sink = ctx.onHint;
  if (!sink) return false;
  try {
    const stored = await Promise.all(partitions.map((p) => sink(target, p)));
    return stored.every((s) => s);
  } catch (err) {
    ctx.log.warn(`storing a hint for ${target} failed: ${(err as Error).message}`);
    return false;
  }
}
