/**
 * The read path's pure helpers around src/ring/read-core.ts (which counts the
 * answers and decides between responding, asking for full data and
 * repairing): which live replicas a read contacts and in what order, the
 * digest both sides compute, and how many repair acks blocking read repair
 * waits for. read-path.ts drives them with sockets and timers.
 *
 * A read contacts exactly blockFor replicas, closest first: one gets a full
 * data read, the others a digest read. Matching digests answer at once; a
 * mismatch means full reads from every contacted replica, a merge through
 * reconcile, and the merged winner written back to the stale ones.
 */
import { createHash } from 'node:crypto';
import type { ConsistencyName } from '../../grammar/ast.js';
import { blockFor, eachQuorumBlockFor, isDatacenterLocal } from '../ring/consistency.js';
import type { ReplicationOptions } from '../schema/table.js';
import { partitionDigest } from '../storage/digest.js';
import type { Partition, TableLayout } from '../storage/model.js';
import type { EndpointId } from '../ring/token-ring.js';

/** A natural replica as the coordinator sees it when it picks whom to ask. */
export interface ReplicaState {
  endpoint: EndpointId;
  dc: string;
  alive: boolean;
}

export type ReadRepairMode = 'BLOCKING' | 'NONE';

/** What a replica holding nothing for a key answers a digest read with: the hash of no bytes. */
export const EMPTY_DIGEST: Buffer = createHash('sha256').digest();

/**
 * The digest of one replica's answer. Replica and coordinator both call it,
 * with the asOfS the coordinator chose, so equal data hashes equal.
 */
export function responseDigest(layout: TableLayout, partition: Partition | undefined | null, asOfS: number): Buffer {
  return partition ? partitionDigest(layout, partition, asOfS) : EMPTY_DIGEST;
}

/** The coordinator itself first, then replicas in its datacenter, then the rest; ring order within each group. */
export function orderByProximity<T extends ReplicaState>(replicas: readonly T[], self: EndpointId, localDc: string): T[] {
  const rank = (r: T) => (r.endpoint === self ? 0 : r.dc === localDc ? 1 : 2);
  return replicas
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map((x) => x.r);
}

/**
 * The replicas a read at `level` contacts, closest first, the first of them
 * the data replica. Call it after the Unavailable check, with the replicas
 * already ordered by proximity; dead ones are skipped.
 */
export function readContacts(
  level: ConsistencyName,
  replication: ReplicationOptions,
  localDc: string,
  ordered: readonly ReplicaState[],
): EndpointId[] {
  const alive = ordered.filter((r) => r.alive);
  if (level === 'EACH_QUORUM' && replication.class === 'NetworkTopologyStrategy') {
    const out: EndpointId[] = [];
    for (const [dc, needed] of Object.entries(eachQuorumBlockFor(replication, localDc))) {
      out.push(...alive.filter((r) => r.dc === dc).slice(0, needed).map((r) => r.endpoint));
    }
    // Keep proximity order across datacenters, so the data read stays local.
    return alive.map((r) => r.endpoint).filter((e) => out.includes(e));
  }
  const candidates = isDatacenterLocal(level) && replication.class === 'NetworkTopologyStrategy' ? alive.filter((r) => r.dc === localDc) : alive;
  return candidates.slice(0, blockFor(level, replication, localDc)).map((r) => r.endpoint);
}

export interface RepairPlan {
  /** Contacted replicas whose answer differs from the merged result; each is sent the merged partition. */
  stale: EndpointId[];
  /** Repair acks to wait for before answering, so the level's replicas all hold the answer. */
  acksNeeded: number;
}

/**
 * Blocking read repair's decision, after the full reads are merged. Replicas
 * already holding the merged result count towards the level as they are; the
 * rest of blockFor must come from stale replicas acknowledging the repair.
 * With read_repair NONE nothing is written back.
 */
export function repairPlan(counted: readonly EndpointId[], stale: readonly EndpointId[], blockForCount: number, mode: ReadRepairMode): RepairPlan {
  if (mode === 'NONE' || stale.length === 0) return { stale: [], acksNeeded: 0 };
  const upToDate = counted.filter((e) => !stale.includes(e)).length;
  return { stale: [...stale], acksNeeded: Math.max(0, Math.min(stale.length, blockForCount - upToDate)) };
}
