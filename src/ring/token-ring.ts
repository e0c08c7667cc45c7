/**
 * The token ring: which endpoint owns which tokens, and where each endpoint
 * lives (datacenter and rack). It is the base of everything the cluster
 * decides by key: replica placement (replication.ts), vnode allocation
 * (tokens.ts), repair's ranges and the ownership `sibyltool status` shows.
 *
 * A TokenRing is an immutable snapshot. Gossip builds a new one whenever
 * membership or tokens change and swaps it in whole, so a request that
 * started on one ring finishes on it; caches hung on a ring (replica
 * placements) never go stale.
 *
 * Ranges follow src/storage/model.ts: a token range is (start, end], and
 * start === end is the whole ring. A ring token t is the primary owner of the
 * range (previous ring token, t]; the first ring token also owns the tokens
 * past the last one, wrapping around.
 */
import type { TokenRange } from '../storage/model.js';

/** An endpoint is named by its internode address, 'host:port'. */
export type EndpointId = string;

export interface EndpointInfo {
  id: EndpointId;
  tokens: readonly bigint[];
  dc: string;
  rack: string;
}

/** The number of distinct tokens, 2^64. */
export const RING_SIZE = 1n << 64n;

/** Tokens strictly after `start` up to and including `end`, going clockwise; the whole ring when they are equal. */
export function rangeSize(range: TokenRange): bigint {
  const d = range.end - range.start;
  return d > 0n ? d : d + RING_SIZE;
}

/** Whether `token` lies in (start, end], honouring wrap-around and start === end meaning the whole ring. */
export function rangeContains(range: TokenRange, token: bigint): boolean {
  if (range.start === range.end) return true;
  if (range.start < range.end) return token > range.start && token <= range.end;
  return token > range.start || token <= range.end;
}

export class TokenRing {
  private readonly infos: ReadonlyMap<EndpointId, EndpointInfo>;
  private readonly tokens: readonly bigint[];
  private readonly owners: readonly EndpointId[];
  /**
   * Replica placements computed on this ring, keyed by a replication key and
   * then by the end token of the primary range. Owned by replication.ts; it
   * lives here because the ring is immutable, so the cache dies with it.
   */
  readonly placementCache = new Map<string, Map<bigint, readonly EndpointId[]>>();

  private constructor(infos: Map<EndpointId, EndpointInfo>) {
    this.infos = infos;
    const pairs: [bigint, EndpointId][] = [];
    const seen = new Map<bigint, EndpointId>();
    for (const info of infos.values()) {
      for (const token of info.tokens) {
        const other = seen.get(token);
        if (other !== undefined) {
          throw new Error(`token ${token} is claimed by both ${other} and ${info.id}`);
        }
        seen.set(token, info.id);
        pairs.push([token, info.id]);
      }
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.tokens = pairs.map((p) => p[0]);
    this.owners = pairs.map((p) => p[1]);
  }

  static empty(): TokenRing {
    return new TokenRing(new Map());
  }

  /** A ring of these endpoints; two endpoints claiming one token is an error. */
  static of(endpoints: readonly EndpointInfo[]): TokenRing {
    const infos = new Map<EndpointId, EndpointInfo>();
    for (const e of endpoints) {
      if (infos.has(e.id)) throw new Error(`endpoint ${e.id} appears twice`);
      infos.set(e.id, { id: e.id, tokens: [...e.tokens], dc: e.dc, rack: e.rack });
    }
    return new TokenRing(infos);
  }

  /** A new ring with `endpoint` added, or replaced if its id is already present. */
  withEndpoint(endpoint: EndpointInfo): TokenRing {
    const infos = new Map(this.infos);
    infos.set(endpoint.id, { id: endpoint.id, tokens: [...endpoint.tokens], dc: endpoint.dc, rack: endpoint.rack });
    return new TokenRing(infos);
  }

  /** A new ring without `id` (its ranges fall to the next tokens clockwise). */
  withoutEndpoint(id: EndpointId): TokenRing {
    const infos = new Map(this.infos);
    infos.delete(id);
    return new TokenRing(infos);
  }

  isEmpty(): boolean {
    return this.tokens.length === 0;
  }

  endpoints(): EndpointInfo[] {
    return [...this.infos.values()];
  }

  endpoint(id: EndpointId): EndpointInfo | undefined {
    return this.infos.get(id);
  }

  has(id: EndpointId): boolean {
    return this.infos.has(id);
  }

  dcOf(id: EndpointId): string {
    return this.require(id).dc;
  }

  rackOf(id: EndpointId): string {
    return this.require(id).rack;
  }

  /** Datacenter names present in the ring, sorted. */
  datacenters(): string[] {
    return [...new Set([...this.infos.values()].map((e) => e.dc))].sort();
  }

  /** Every ring token in ascending order. */
  sortedTokens(): readonly bigint[] {
    return this.tokens;
  }

  /** The endpoint holding the i-th ring token (in ascending order). */
  ownerAt(index: number): EndpointId {
    const owner = this.owners[index];
    if (owner === undefined) throw new Error(`no ring token at index ${index} (ring has ${this.tokens.length})`);
    return owner;
  }

  /**
   * The index of the ring token whose primary range holds `token`: the first
   * ring token ≥ `token`, wrapping to 0 past the last.
   */
  primaryIndexOf(token: bigint): number {
    this.assertNotEmpty();
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tokens[mid]! < token) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.tokens.length ? 0 : lo;
  }

  /** The primary range (previous ring token, ring token] holding `token`. */
  primaryRangeOf(token: bigint): TokenRange {
    return this.rangeAt(this.primaryIndexOf(token));
  }

  /** The range (previous ring token, i-th ring token]; the whole ring when there is one token. */
  rangeAt(index: number): TokenRange {
    const end = this.tokens[index]!;
    const prev = this.tokens[(index - 1 + this.tokens.length) % this.tokens.length]!;
    return { start: prev, end };
  }

  /** The endpoint that is primary owner of `token`. */
  ownerOf(token: bigint): EndpointId {
    return this.owners[this.primaryIndexOf(token)]!;
  }

  /** The ranges `endpoint` is primary owner of, in ring order; a range that wraps is kept as one range (start > end). */
  rangesOf(endpoint: EndpointId): TokenRange[] {
    const out: TokenRange[] = [];
    for (let i = 0; i < this.tokens.length; i++) {
      if (this.owners[i] === endpoint) out.push(this.rangeAt(i));
    }
    return out;
  }

  /** Every primary range of the ring with its owner, in ring order. */
  primaryRanges(): { range: TokenRange; owner: EndpointId }[] {
    return this.tokens.map((_, i) => ({ range: this.rangeAt(i), owner: this.owners[i]! }));
  }

  /** The fraction of the ring each endpoint owns as primary (they sum to 1). */
  ownership(): Map<EndpointId, number> {
    const owned = new Map<EndpointId, bigint>();
    for (const id of this.infos.keys()) owned.set(id, 0n);
    for (const { range, owner } of this.primaryRanges()) owned.set(owner, owned.get(owner)! + rangeSize(range));
    return fractions(owned);
  }

  private require(id: EndpointId): EndpointInfo {
    const info = this.infos.get(id);
    if (!info) throw new Error(`endpoint ${id} is not in the ring`);
    return info;
  }

  private assertNotEmpty(): void {
    if (this.tokens.length === 0) throw new Error('the token ring is empty');
  }
}

/** Bigint shares of the ring as fractions of RING_SIZE. */
export function fractions(owned: Map<EndpointId, bigint>): Map<EndpointId, number> {
  const out = new Map<EndpointId, number>();
  // Scale to 1e12 parts before leaving bigint, so the fraction keeps 12 digits.
  for (const [id, size] of owned) out.set(id, Number((size * 1_000_000_000_000n) / RING_SIZE) / 1e12);
  return out;
}
