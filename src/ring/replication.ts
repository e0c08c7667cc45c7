/**
 * Replica placement: which endpoints hold the data of a token, for a
 * keyspace's replication options.
 *
 * SimpleStrategy walks the ring clockwise from the token's primary owner and
 * takes distinct endpoints until it has replication_factor of them, ignoring
 * datacenters and racks.
 *
 * NetworkTopologyStrategy places each datacenter's replicas independently,
 * exactly as Cassandra's NetworkTopologyStrategy.calculateNaturalReplicas
 * does: walking the ring from the token, an endpoint in a rack not yet used
 * in its datacenter is always taken; an endpoint in an already used rack is
 * taken only while the datacenter can still afford a rack repeat (its RF
 * minus its number of racks), so replicas spread over as many racks as
 * possible and the rest are the earliest skipped endpoints of used racks. An
 * RF larger than a datacenter's node count places on all of its nodes.
 *
 * Placements depend only on the primary range, so they are memoized on the
 * (immutable) ring per replication options, keyed by the range's end token.
 */
import type { ReplicationOptions } from '../schema/table.js';
import { type EndpointId, type TokenRing, fractions, rangeSize } from './token-ring.js';
import type { TokenRange } from '../storage/model.js';

/** The endpoints that replicate `token`, the primary owner's placement first. */
export function naturalReplicas(ring: TokenRing, replication: ReplicationOptions, token: bigint): readonly EndpointId[] {
  if (ring.isEmpty()) return [];
  return replicasAt(ring, replication, ring.primaryIndexOf(token));
}

/** The replicas of the primary range ending at the index-th ring token. */
export function replicasAt(ring: TokenRing, replication: ReplicationOptions, index: number): readonly EndpointId[] {
  const key = replicationKey(replication);
  let cache = ring.placementCache.get(key);
  if (!cache) {
    cache = new Map();
    ring.placementCache.set(key, cache);
  }
  const end = ring.sortedTokens()[index]!;
  let replicas = cache.get(end);
  if (!replicas) {
    replicas = Object.freeze(
      replication.class === 'SimpleStrategy'
        ? simpleStrategy(ring, replication.factors['replication_factor'] ?? 0, index)
        : networkTopologyStrategy(ring, replication.factors, index),
    );
    cache.set(end, replicas);
  }
  return replicas;
}

/** Groups replicas by their datacenter, keeping their order within each. */
export function replicasByDc(ring: TokenRing, replicas: readonly EndpointId[]): Map<string, EndpointId[]> {
  const out = new Map<string, EndpointId[]>();
  for (const r of replicas) {
    const dc = ring.dcOf(r);
    const list = out.get(dc);
    if (list) list.push(r);
    else out.set(dc, [r]);
  }
  return out;
}

/**
 * Every range `endpoint` holds a replica of, primary or not, in ring order.
 * Repair and streaming work range by range over these.
 */
export function rangesReplicatedBy(ring: TokenRing, replication: ReplicationOptions, endpoint: EndpointId): TokenRange[] {
  const out: TokenRange[] = [];
  const n = ring.sortedTokens().length;
  for (let i = 0; i < n; i++) {
    if (replicasAt(ring, replication, i).includes(endpoint)) out.push(ring.rangeAt(i));
  }
  return out;
}

/**
 * Every range `endpoint` holds no replica of, in ring order, with adjacent
 * ranges joined into one (a range wrapping past the largest token included),
 * so each is one contiguous storage scan. This is what cleanup deletes after
 * a topology or replication change; a ring where the endpoint replicates
 * nothing gives the whole ring (start === end), an empty ring gives nothing.
 */
export function rangesNotReplicatedBy(ring: TokenRing, replication: ReplicationOptions, endpoint: EndpointId): TokenRange[] {
  const n = ring.sortedTokens().length;
  const out: TokenRange[] = [];
  let unowned = 0;
  for (let i = 0; i < n; i++) {
    if (replicasAt(ring, replication, i).includes(endpoint)) continue;
    unowned++;
    const range = ring.rangeAt(i);
    const last = out[out.length - 1];
    if (last !== undefined && last.end === range.start) last.end = range.end;
    else out.push({ ...range });
  }
  if (n > 0 && unowned === n) return [{ start: ring.sortedTokens()[0]!, end: ring.sortedTokens()[0]! }];
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first !== undefined && last !== undefined && last.end === first.start) {
    // The last range runs into the first across the wrap point: one range.
    first.start = last.start;
    out.pop();
  }
  return out;
}

/**
 * The fraction of the data each endpoint holds a replica of, as nodetool
 * status 'Owns (effective)' shows it: with RF 3 on three nodes every node
 * owns 1.0. The values sum to the total replication factor (capped by the
 * number of nodes in each datacenter).
 */
export function effectiveOwnership(ring: TokenRing, replication: ReplicationOptions): Map<EndpointId, number> {
  const owned = new Map<EndpointId, bigint>();
  for (const e of ring.endpoints()) owned.set(e.id, 0n);
  const n = ring.sortedTokens().length;
  for (let i = 0; i < n; i++) {
    const size = rangeSize(ring.rangeAt(i));
    for (const r of replicasAt(ring, replication, i)) owned.set(r, owned.get(r)! + size);
  }
  return fractions(owned);
}

/**
 * Each options object's placement-cache key. Options are built once and never
 * changed (ALTER KEYSPACE makes new ones), and every request asks, so the key
 * is worked out once per object.
 */
const replicationKeys = new WeakMap<ReplicationOptions, string>();

function replicationKey(replication: ReplicationOptions): string {
  let key = replicationKeys.get(replication);
  if (key === undefined) {
    const factors = Object.entries(replication.factors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    key = `${replication.class}:${factors.map(([k, v]) => `${k}=${v}`).join(',')}`;
    replicationKeys.set(replication, key);
  }
  return key;
}

function simpleStrategy(ring: TokenRing, replicationFactor: number, startIndex: number): EndpointId[] {
  const tokens = ring.sortedTokens().length;
  const want = Math.min(replicationFactor, ring.endpoints().length);
  const out: EndpointId[] = [];
  for (let step = 0; step < tokens && out.length < want; step++) {
    const owner = ring.ownerAt((startIndex + step) % tokens);
    if (!out.includes(owner)) out.push(owner);
  }
  return out;
}

/** One datacenter's placement in progress (Cassandra's DatacenterEndpoints). */
interface DatacenterFill {
  /** Replicas still to place; starts at min(RF, nodes in the dc). */
  left: number;
  /** How many more replicas may go to a rack that already holds one. */
  rackRepeatsAllowed: number;
  racksUsed: Set<string>;
  replicas: EndpointId[];
}

function networkTopologyStrategy(ring: TokenRing, factors: Record<string, number>, startIndex: number): EndpointId[] {
  const nodesByDc = new Map<string, number>();
  const racksByDc = new Map<string, Set<string>>();
  for (const e of ring.endpoints()) {
    nodesByDc.set(e.dc, (nodesByDc.get(e.dc) ?? 0) + 1);
    const racks = racksByDc.get(e.dc) ?? new Set<string>();
    racks.add(e.rack);
    racksByDc.set(e.dc, racks);
  }
  const fills = new Map<string, DatacenterFill>();
  for (const [dc, rf] of Object.entries(factors)) {
    const nodes = nodesByDc.get(dc) ?? 0;
    if (rf <= 0 || nodes === 0) continue;
    fills.set(dc, {
      left: Math.min(rf, nodes),
      rackRepeatsAllowed: rf - racksByDc.get(dc)!.size,
      racksUsed: new Set(),
      replicas: [],
    });
  }
  const out: EndpointId[] = [];
  let dcsToFill = fills.size;
  const tokens = ring.sortedTokens().length;
  for (let step = 0; step < tokens && dcsToFill > 0; step++) {
    const endpoint = ring.ownerAt((startIndex + step) % tokens);
    const info = ring.endpoint(endpoint)!;
    const fill = fills.get(info.dc);
    if (!fill || fill.left === 0 || fill.replicas.includes(endpoint)) continue;
    if (fill.racksUsed.has(info.rack)) {
      // Taking this one still leaves enough replicas for every unused rack only while repeats remain.
      if (fill.rackRepeatsAllowed <= 0) continue;
      fill.rackRepeatsAllowed--;
    } else {
      fill.racksUsed.add(info.rack);
    }
    fill.replicas.push(endpoint);
    out.push(endpoint);
    fill.left--;
    if (fill.left === 0) dcsToFill--;
  }
  return out;
}
