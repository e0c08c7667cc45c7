/**
 * Pending ranges: where data moves while the ring changes, as Cassandra's
 * PendingRangeMaps computes it. Pure.
 *
 * A topology change has two rings. The current ring holds the NORMAL and
 * LEAVING nodes (and dead ones being removed): it is where reads go and what
 * writes are counted against. The future ring is the ring once the change is
 * done: joining (BOOT) nodes added, leaving and removed ones taken away. A
 * node that replicates a token in the future ring but not in the current one
 * is a pending replica of that token: it receives every write (so nothing
 * written while data streams to it is missed), and each write waits for one
 * more acknowledgement per pending replica, so the level is still met among
 * the replicas that will remain.
 *
 * `rangeMovements` lists the token ranges whose replicas change, with who
 * replicates each now and who will, which is what a bootstrap, decommission
 * or removenode streams.
 */
import type { ReplicationOptions } from '../schema/table.js';
import type { TokenRange } from '../storage/model.js';
import { naturalReplicas } from './replication.js';
import type { EndpointId, TokenRing } from './token-ring.js';

/** The replicas of `token` in the future ring that do not replicate it in the current one. */
export function pendingReplicas(current: TokenRing, future: TokenRing, replication: ReplicationOptions, token: bigint): EndpointId[] {
  if (current === future || future.isEmpty()) return [];
  const now = naturalReplicas(current, replication, token);
  return naturalReplicas(future, replication, token).filter((ep) => !now.includes(ep));
}

export interface RangeMovement {
  range: TokenRange;
  /** Who replicates the range now (the sources of a stream). */
  current: readonly EndpointId[];
  /** Who will replicate it once the change is done. */
  future: readonly EndpointId[];
  /** future − current: the replicas that must receive the range. */
  gaining: EndpointId[];
}

/**
 * Every range whose future replicas include one the current ring lacks, in
 * ring order. The ranges are cut at the tokens of both rings, so each one has
 * a single replica set in each ring; neighbouring ranges with the same
 * movement are joined. Nothing moves into an empty ring (a first node has no
 * one to stream from) or out of one.
 */
export function rangeMovements(current: TokenRing, future: TokenRing, replication: ReplicationOptions): RangeMovement[] {
  if (current === future || current.isEmpty() || future.isEmpty()) return [];
  const tokens = [...new Set([...current.sortedTokens(), ...future.sortedTokens()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: RangeMovement[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const end = tokens[i]!;
    const start = tokens[(i - 1 + tokens.length) % tokens.length]!;
    const now = naturalReplicas(current, replication, end);
    const later = naturalReplicas(future, replication, end);
    const gaining = later.filter((ep) => !now.includes(ep));
    if (gaining.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.range.end === start && sameList(last.current, now) && sameList(last.future, later)) {
      last.range = { start: last.range.start, end };
      continue;
    }
    out.push({ range: { start, end }, current: now, future: later, gaining });
  }
  // The first and last ranges meet across the wrap; join them when they move alike (unless they are one range).
  if (out.length > 1) {
    const first = out[0]!;
    const last = out[out.length - 1]!;
    if (last.range.end === first.range.start && sameList(first.current, last.current) && sameList(first.future, last.future)) {
      first.range = { start: last.range.start, end: first.range.end };
      out.pop();
    }
  }
  return out;
}

/** The same endpoints, in any order: which replica comes first does not change what a range streams. */
function sameList(a: readonly EndpointId[], b: readonly EndpointId[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
