/**
 * Consistency arithmetic, pure: how many replicas a level must hear from
 * (blockFor), and whether the live replicas can satisfy it (Unavailable is
 * decided here, before anything is sent). The single-node coordinator and the
 * cluster coordinator both use it, so a 1-node cluster with RF 3 fails QUORUM
 * exactly as Cassandra does.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { ReplicationOptions } from '../schema/table.js';
import { InvalidRequestError, UnavailableError } from '../util/errors.js';

export function quorumFor(replicationFactor: number): number {
  return Math.floor(replicationFactor / 2) + 1;
}

/** The replication factor summed over every datacenter. */
export function totalReplicationFactor(replication: ReplicationOptions): number {
  if (replication.class === 'SimpleStrategy') return replication.factors['replication_factor'] ?? 0;
  return Object.values(replication.factors).reduce((a, b) => a + b, 0);
}

/** The replication factor in `dc`; SimpleStrategy knows no datacenters, so all its replicas count as local. */
export function localReplicationFactor(replication: ReplicationOptions, dc: string): number {
  if (replication.class === 'SimpleStrategy') return replication.factors['replication_factor'] ?? 0;
  return replication.factors[dc] ?? 0;
}

/** Replicas per datacenter that EACH_QUORUM must hear from. */
export function eachQuorumBlockFor(replication: ReplicationOptions, localDc: string): Record<string, number> {
  if (replication.class === 'SimpleStrategy') return { [localDc]: quorumFor(totalReplicationFactor(replication)) };
  const out: Record<string, number> = {};
  for (const [dc, rf] of Object.entries(replication.factors)) out[dc] = quorumFor(rf);
  return out;
}

/** How many replica responses `level` needs. SERIAL levels count as the quorum Paxos would need. */
export function blockFor(level: ConsistencyName, replication: ReplicationOptions, localDc: string): number {
  switch (level) {
    case 'ANY':
    case 'ONE':
    case 'LOCAL_ONE':
      return 1;
    case 'TWO':
      return 2;
    case 'THREE':
      return 3;
    case 'QUORUM':
    case 'SERIAL':
      return quorumFor(totalReplicationFactor(replication));
    case 'LOCAL_QUORUM':
    case 'LOCAL_SERIAL':
      return quorumFor(localReplicationFactor(replication, localDc));
    case 'EACH_QUORUM':
      return Object.values(eachQuorumBlockFor(replication, localDc)).reduce((a, b) => a + b, 0);
    case 'ALL':
      return totalReplicationFactor(replication);
  }
}

/** Whether `level` counts only replicas of the coordinator's datacenter. */
export function isDatacenterLocal(level: ConsistencyName): boolean {
  return level === 'LOCAL_ONE' || level === 'LOCAL_QUORUM' || level === 'LOCAL_SERIAL';
}

/**
 * Throws UnavailableError when the live replicas (per datacenter) cannot
 * satisfy `level`. ANY is satisfied by the coordinator storing a hint, so it
 * never is unavailable.
 */
export function assureSufficientLiveReplicas(
  level: ConsistencyName,
  replication: ReplicationOptions,
  localDc: string,
  aliveByDc: Record<string, number>,
  pendingByDc: Record<string, number> = {},
): void {
  if (level === 'ANY') return;
  if (level === 'EACH_QUORUM') {
    for (const [dc, required] of Object.entries(eachQuorumBlockFor(replication, localDc))) {
      const alive = aliveByDc[dc] ?? 0;
      const needed = required + (pendingByDc[dc] ?? 0);
      if (alive < needed) throw new UnavailableError(level, needed, alive);
    }
    return;
  }
  const required = blockFor(level, replication, localDc) + pendingBlockFor(level, replication, localDc, pendingByDc);
  const alive =
    isDatacenterLocal(level) && replication.class === 'NetworkTopologyStrategy'
      ? (aliveByDc[localDc] ?? 0)
      : Object.values(aliveByDc).reduce((a, b) => a + b, 0);
  if (alive < required) throw new UnavailableError(level, required, alive);
}

/**
 * The acknowledgements a write waits for beyond blockFor because of pending
 * replicas (Cassandra's blockForWrite): one per pending replica whose answer
 * counts towards the level. A pending replica may be the one that has not
 * received the range yet, so without the extra wait a write could be
 * acknowledged by fewer of the replicas that remain than the level promises.
 * `pendingByDc` counts pending replicas per datacenter (SimpleStrategy's all
 * under the coordinator's, as `aliveByDc` counts them).
 */
export function pendingBlockFor(level: ConsistencyName, replication: ReplicationOptions, localDc: string, pendingByDc: Record<string, number>): number {
  if (level === 'ANY') return 0;
  if (isDatacenterLocal(level) && replication.class === 'NetworkTopologyStrategy') return pendingByDc[localDc] ?? 0;
  return Object.values(pendingByDc).reduce((a, b) => a + b, 0);
}

/** SERIAL levels are only for conditional (Paxos) statements, which Sibyl does not offer. */
export function assertWritableLevel(level: ConsistencyName): void {
  if (level === 'SERIAL' || level === 'LOCAL_SERIAL') {
    throw new InvalidRequestError(`You must use conditional updates for serializable writes`);
  }
}

export function assertReadableLevel(level: ConsistencyName): void {
  if (level === 'ANY') {
    throw new InvalidRequestError('ANY ConsistencyLevel is only supported for writes');
  }
  if (level === 'SERIAL' || level === 'LOCAL_SERIAL') {
    throw new InvalidRequestError(`Serial consistency levels are only supported for conditional statements, which Sibyl does not offer`);
  }
}

/**
 * Whether a response from a replica in `dc` counts towards `level`. LOCAL_*
 * levels count only the coordinator's datacenter under
 * NetworkTopologyStrategy; SimpleStrategy knows no datacenters, so there
 * every replica is local (as `localReplicationFactor` assumes).
 */
export function countsTowards(level: ConsistencyName, replication: ReplicationOptions, localDc: string, dc: string): boolean {
  if (!isDatacenterLocal(level) || replication.class === 'SimpleStrategy') return true;
  return dc === localDc;
}

/** The live replicas whose responses count towards `level`, in the order given. */
export function liveReplicasFor<E>(
  level: ConsistencyName,
  replicas: readonly E[],
  isAlive: (replica: E) => boolean,
  localDc: string,
  dcOf: (replica: E) => string,
  replication: ReplicationOptions,
): E[] {
  return replicas.filter((r) => isAlive(r) && countsTowards(level, replication, localDc, dcOf(r)));
}

/**
 * Live replicas per datacenter, as `assureSufficientLiveReplicas` takes them.
 * Under SimpleStrategy every replica is counted in `localDc`, since its
 * quorum spans the whole ring.
 */
export function aliveByDc<E>(
  replicas: readonly E[],
  isAlive: (replica: E) => boolean,
  dcOf: (replica: E) => string,
  replication: ReplicationOptions,
  localDc: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of replicas) {
    if (!isAlive(r)) continue;
    const dc = replication.class === 'SimpleStrategy' ? localDc : dcOf(r);
    out[dc] = (out[dc] ?? 0) + 1;
  }
  return out;
}

/**
 * Throws UnavailableError unless the live natural replicas of one token can
 * satisfy `level`: the cluster coordinator calls this before sending
 * anything, with gossip's view of who is alive. A write passes the token's
 * pending replicas too: they count as live replicas when alive, and each
 * raises the number required by one (pendingBlockFor).
 */
export function assureLiveReplicas<E>(
  level: ConsistencyName,
  replication: ReplicationOptions,
  localDc: string,
  replicas: readonly E[],
  isAlive: (replica: E) => boolean,
  dcOf: (replica: E) => string,
  pending: readonly E[] = [],
): void {
  const pendingByDc = aliveByDc(pending, () => true, dcOf, replication, localDc);
  assureSufficientLiveReplicas(level, replication, localDc, aliveByDc([...replicas, ...pending], isAlive, dcOf, replication, localDc), pendingByDc);
}
