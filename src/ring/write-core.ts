/**
 * The pure core of a write at a consistency level, in the manner of Riak's
 * riak_kv_put_core: the coordinator sends the mutation to every live natural
 * replica, feeds each acknowledgement or failure in, and asks `outcome()`
 * after each one and when its timer fires. No sockets, no timers here, so
 * every level's counting is tested with tables.
 *
 * Counting follows Cassandra's response handlers: ONE/TWO/THREE/QUORUM/ALL
 * count acks from any replica; LOCAL_ONE and LOCAL_QUORUM count only the
 * coordinator's datacenter (under NetworkTopologyStrategy); EACH_QUORUM
 * needs a quorum in every datacenter; ANY is also satisfied by a hint stored
 * for a replica that could not take the write.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { ReplicationOptions } from '../schema/table.js';
import { aliveByDc, blockFor, countsTowards, eachQuorumBlockFor, pendingBlockFor } from './consistency.js';
import type { EndpointId } from './token-ring.js';

export interface WriteTrackerOptions {
  level: ConsistencyName;
  replication: ReplicationOptions;
  /** The coordinator's datacenter. */
  localDc: string;
  /** The replicas the mutation was sent to. */
  targets: readonly EndpointId[];
  dcOf: (endpoint: EndpointId) => string;
  /**
   * The token's pending replicas (src/ring/pending.ts), sent to or hinted
   * alike: each one the level counts raises blockFor by one, as Cassandra's
   * blockForWrite does. Absent: none.
   */
  pending?: readonly EndpointId[];
}

export type WriteOutcome =
  | 'success'
  | 'pending'
  /** Enough replicas failed that the level can no longer be reached. */
  | { failure: { received: number; failures: number } }
  /** The timer fired first: `received` is what WriteTimeout reports. */
  | { timeout: { received: number } };

export class WriteTracker {
  readonly level: ConsistencyName;
  /** What WriteTimeout reports as blockFor. */
  readonly blockFor: number;
  private readonly replication: ReplicationOptions;
  private readonly localDc: string;
  private readonly dcOf: (endpoint: EndpointId) => string;
  private readonly targets: ReadonlySet<EndpointId>;
  /** Per datacenter, the acks EACH_QUORUM needs; empty for other levels. */
  private readonly requiredByDc: Record<string, number>;
  private readonly acked = new Set<EndpointId>();
  private readonly failed = new Set<EndpointId>();
  private hints = 0;
  private timedOut = false;

  constructor(options: WriteTrackerOptions) {
    this.level = options.level;
    this.replication = options.replication;
    this.localDc = options.localDc;
    this.dcOf = options.dcOf;
    this.targets = new Set(options.targets);
    const pending = options.pending ?? [];
    const pendingByDc = aliveByDc(pending, () => true, options.dcOf, options.replication, options.localDc);
    this.blockFor = blockFor(options.level, options.replication, options.localDc) + pendingBlockFor(options.level, options.replication, options.localDc, pendingByDc);
    this.requiredByDc = {};
    if (options.level === 'EACH_QUORUM') {
      for (const [dc, required] of Object.entries(eachQuorumBlockFor(options.replication, options.localDc))) {
        this.requiredByDc[dc] = required + (pendingByDc[dc] ?? 0);
      }
    }
  }

  /** A replica applied the write. Acks from unknown or already-answered endpoints are ignored. */
  ack(endpoint: EndpointId): void {
    if (this.targets.has(endpoint) && !this.failed.has(endpoint)) this.acked.add(endpoint);
  }

  /** A replica answered with a failure (or the messaging layer gave up on it). */
  fail(endpoint: EndpointId): void {
    if (this.targets.has(endpoint) && !this.acked.has(endpoint)) this.failed.add(endpoint);
  }

  /** A hint was stored for a replica that missed the write; only ANY counts it. */
  hintStored(): void {
    this.hints++;
  }

  /** The coordinator's timer fired; later acks no longer change the outcome. */
  timeout(): void {
    this.timedOut = true;
  }

  /** Acks that count towards the level (for EACH_QUORUM, from datacenters with a requirement). */
  received(): number {
    let n = 0;
    for (const e of this.acked) if (this.counts(e)) n++;
    return this.level === 'ANY' ? n + this.hints : n;
  }

  enough(): boolean {
    if (this.level === 'EACH_QUORUM') {
      return Object.entries(this.requiredByDc).every(([dc, required]) => this.countIn(this.acked, dc) >= required);
    }
    return this.received() >= this.blockFor;
  }

  outcome(): WriteOutcome {
    if (this.enough()) return 'success';
    if (this.timedOut) return { timeout: { received: this.received() } };
    if (!this.stillPossible()) return { failure: { received: this.received(), failures: this.failed.size } };
    return 'pending';
  }

  private stillPossible(): boolean {
    // ANY can always fall back to a hint.
    if (this.level === 'ANY') return true;
    const open = [...this.targets].filter((e) => !this.failed.has(e));
    if (this.level === 'EACH_QUORUM') {
      return Object.entries(this.requiredByDc).every(([dc, required]) => this.countIn(open, dc) >= required);
    }
    return open.filter((e) => this.counts(e)).length >= this.blockFor;
  }

  private counts(endpoint: EndpointId): boolean {
    if (this.level === 'EACH_QUORUM') return this.dcKey(endpoint) in this.requiredByDc;
    return countsTowards(this.level, this.replication, this.localDc, this.dcOf(endpoint));
  }

  /** SimpleStrategy's EACH_QUORUM is one quorum over the whole ring, kept under the local datacenter. */
  private dcKey(endpoint: EndpointId): string {
    return this.replication.class === 'SimpleStrategy' ? this.localDc : this.dcOf(endpoint);
  }

  private countIn(endpoints: Iterable<EndpointId>, dc: string): number {
    let n = 0;
    for (const e of endpoints) if (this.dcKey(e) === dc) n++;
    return n;
  }
}
