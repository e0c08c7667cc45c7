/**
 * The pure core of a read at a consistency level, in the manner of Riak's
 * riak_kv_get_core: the coordinator asks one replica for data and blockFor−1
 * others for digests, feeds every response in, and acts on `finalAction()`:
 *
 * - 'pending': keep waiting (or, when the timer fires, ReadTimeout with
 *   `received()` and `dataPresent()`).
 * - 'respond': every counted digest matches the data; answer with `result()`.
 * - { digestMismatch }: some replica disagrees; ask these endpoints (the
 *   digest responders whose digest matches no data answer) for full data
 *   and feed it in with `data()`.
 * - { readRepair }: every counted response's content is known and they
 *   differ; write
 *   `merged` to the stale `endpoints`, wait for that to reach the level
 *   (blocking read repair), then answer with `merged`.
 *
 * It is generic over the partition type and takes `merge` and `digest`
 * functions, so it knows nothing of storage; the coordinator passes
 * storage's reconcile-based merge and canonical digest.
 */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { ReplicationOptions } from '../schema/table.js';
import { blockFor, countsTowards, eachQuorumBlockFor } from './consistency.js';
import type { EndpointId } from './token-ring.js';

export interface ReadTrackerOptions<P> {
  level: ConsistencyName;
  replication: ReplicationOptions;
  localDc: string;
  dcOf: (endpoint: EndpointId) => string;
  /** Reconciles two replicas' answers; commutative and associative. */
  merge: (a: P, b: P) => P;
  /** The canonical digest of an answer, equal for replicas holding the same data. */
  digest: (p: P) => Uint8Array;
}

export type ReadAction<P> =
  | 'pending'
  | 'respond'
  | { digestMismatch: EndpointId[] }
  | { readRepair: { endpoints: EndpointId[]; merged: P } };

/** A data answer's digest is computed when first compared: a read that counts one answer (ONE, or RF 1) never needs it. */
type Response<P> = { kind: 'data'; value: P; digest?: Uint8Array } | { kind: 'digest'; digest: Uint8Array };

export class ReadTracker<P> {
  readonly level: ConsistencyName;
  /** What ReadTimeout reports as blockFor. */
  readonly blockFor: number;
  private readonly options: ReadTrackerOptions<P>;
  private readonly requiredByDc: Record<string, number>;
  private readonly responses = new Map<EndpointId, Response<P>>();
  private readonly failed = new Set<EndpointId>();

  constructor(options: ReadTrackerOptions<P>) {
    this.options = options;
    this.level = options.level;
    this.blockFor = blockFor(options.level, options.replication, options.localDc);
    this.requiredByDc = options.level === 'EACH_QUORUM' ? eachQuorumBlockFor(options.replication, options.localDc) : {};
  }

  /** A full answer from `endpoint`; it replaces a digest the same endpoint sent earlier. */
  data(endpoint: EndpointId, value: P): void {
    this.responses.set(endpoint, { kind: 'data', value });
  }

  /** A digest-only answer; ignored when the endpoint already sent data. */
  digest(endpoint: EndpointId, digest: Uint8Array): void {
    if (this.responses.get(endpoint)?.kind === 'data') return;
    this.responses.set(endpoint, { kind: 'digest', digest });
  }

  fail(endpoint: EndpointId): void {
    this.failed.add(endpoint);
  }

  /** Counted responses, as ReadTimeout reports them. */
  received(): number {
    let n = 0;
    for (const e of this.responses.keys()) if (this.counts(e)) n++;
    return n;
  }

  /** Whether any full answer arrived (ReadTimeout's dataPresent). */
  dataPresent(): boolean {
    for (const r of this.responses.values()) if (r.kind === 'data') return true;
    return false;
  }

  /** Replicas that answered with an error. */
  failures(): number {
    return this.failed.size;
  }

  /** Enough counted responses for the level, at least one of them data. */
  enough(): boolean {
    if (![...this.responses].some(([e, r]) => r.kind === 'data' && this.counts(e))) return false;
    if (this.level === 'EACH_QUORUM') {
      return Object.entries(this.requiredByDc).every(([dc, required]) => this.countInDc(dc) >= required);
    }
    return this.received() >= this.blockFor;
  }

  finalAction(): ReadAction<P> {
    if (!this.enough()) return 'pending';
    const counted = [...this.responses].filter(([e]) => this.counts(e));
    // enough() holds, so one counted answer is data, and alone it agrees with itself.
    if (counted.length === 1) return 'respond';
    const first = this.digestOf(counted.find(([, r]) => r.kind === 'data')![1]);
    if (counted.every(([, r]) => sameBytes(this.digestOf(r), first))) return 'respond';
    // A digest equal to some data answer needs no full read: its content is known.
    const known = counted.filter(([, r]) => r.kind === 'data').map(([, r]) => this.digestOf(r));
    const unknown = counted.filter(([, r]) => r.kind === 'digest' && !known.some((d) => sameBytes(d, r.digest))).map(([e]) => e);
    if (unknown.length > 0) return { digestMismatch: unknown };
    const merged = this.mergeAll(counted);
    const mergedDigest = this.options.digest(merged);
    const stale = counted.filter(([, r]) => !sameBytes(this.digestOf(r), mergedDigest)).map(([e]) => e);
    return { readRepair: { endpoints: stale, merged } };
  }

  /** The answer: every counted full response merged. Valid once finalAction() is not 'pending'. */
  result(): P {
    const counted = [...this.responses].filter(([e, r]) => this.counts(e) && r.kind === 'data');
    if (counted.length === 0) throw new Error('ReadTracker.result() called before any data arrived');
    return this.mergeAll(counted);
  }

  private digestOf(r: Response<P>): Uint8Array {
    if (r.kind === 'data') r.digest ??= this.options.digest(r.value);
    return r.digest!;
  }

  private mergeAll(responses: [EndpointId, Response<P>][]): P {
    let merged: P | undefined;
    let any = false;
    for (const [, r] of responses) {
      if (r.kind !== 'data') continue;
      merged = any ? this.options.merge(merged as P, r.value) : r.value;
      any = true;
    }
    return merged as P;
  }

  private counts(endpoint: EndpointId): boolean {
    if (this.level === 'EACH_QUORUM') return this.dcKey(endpoint) in this.requiredByDc;
    return countsTowards(this.level, this.options.replication, this.options.localDc, this.options.dcOf(endpoint));
  }

  private dcKey(endpoint: EndpointId): string {
    return this.options.replication.class === 'SimpleStrategy' ? this.options.localDc : this.options.dcOf(endpoint);
  }

  private countInDc(dc: string): number {
    let n = 0;
    for (const e of this.responses.keys()) if (this.dcKey(e) === dc) n++;
    return n;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
