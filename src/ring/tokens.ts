/**
 * Vnode token allocation: the `num_tokens` tokens a node claims when it
 * first joins. Cassandra's allocate_tokens_for_local_replication_factor
 * optimises replicated ownership with a heavy search; this is the simple,
 * deterministic core of the same idea:
 *
 * - The first node of a datacenter spreads its tokens evenly round the ring,
 *   shifted by a random offset (from the random source passed in).
 * - A later node places its tokens one at a time, each at the candidate cut
 *   (the quarter points of the largest ranges) that leaves ownership most
 *   even: the smallest sum of squared shares of replicated ownership at the
 *   given replication factor plus primary ownership; each then moves by a
 *   tiny random amount, so nodes joining at once do not collide.
 *
 * Allocation is per datacenter: NetworkTopologyStrategy places a
 * datacenter's replicas by walking only that datacenter's tokens, so its
 * balance is what matters. Tokens never collide with any other endpoint's.
 * The measured spread for 16 tokens is in docs/ring.md and is asserted by
 * test/unit/ring/tokens.test.ts.
 */
import { MAX_TOKEN, MIN_TOKEN } from '../storage/model.js';
import { type EndpointId, RING_SIZE, TokenRing } from './token-ring.js';

export interface AllocateOptions {
  /** The ring before the new node joins. */
  ring: TokenRing;
  /** The `num_tokens` setting. */
  numTokens: number;
  /** The new node's datacenter; balance is computed among that datacenter's endpoints. */
  dc: string;
  /** Uniform in [0, 1); the only source of randomness, so a seeded one makes allocation reproducible. */
  random: () => number;
  /** The replication factor to balance replicated ownership for (allocate_tokens_for_local_replication_factor). */
  replicationFactor: number;
}

/** The new node's tokens, ascending. */
export function allocateTokens(options: AllocateOptions): bigint[] {
  const { ring, numTokens, dc, random, replicationFactor } = options;
  if (!Number.isInteger(numTokens) || numTokens < 1) {
    throw new Error(`num_tokens must be a positive integer, got ${numTokens}`);
  }
  const taken = new Set(ring.sortedTokens());
  // Greedy placement sees tokens without their jitter, so one node's random shift never steers another's search
  // (two tokens that differ only in their jitter count once).
  const seen = new Set<bigint>();
  const firstSeen = (t: bigint) => !seen.has(t) && seen.add(t) !== undefined;
  const local = TokenRing.of(ring.endpoints().filter((e) => e.dc === dc).map((e) => ({ ...e, tokens: e.tokens.map(unjittered).filter(firstSeen) })));
  const tokens = local.isEmpty() ? evenlySpaced(numTokens, random) : greedyBalanced(local, numTokens, replicationFactor).map((t) => jitter(t, random));
  return tokens.map((t) => avoidCollision(t, taken)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** 2^40 tokens, a 2^-24 share of the ring: enough to tell two joiners' tokens apart, too little to move any share visibly. */
const JITTER_MAX = 1n << 40n;

/**
 * Replaces the low 40 bits of a greedy token with random ones. Greedy
 * placement is deterministic, so nodes joining at once against the same ring
 * (the launcher starts every node but the seed together) would choose
 * identical tokens, and the ring would ignore whichever claimed them second;
 * jittered, two such nodes share a token with a chance of about 16 / 2^40.
 * Greedy placement reads the ring with these bits cleared, so jitter never
 * changes where a later node's tokens go. Concurrent joiners' tokens differ,
 * not their ranges: they split the same ranges and end less balanced than
 * nodes joining one after another.
 */
function jitter(token: bigint, random: () => number): bigint {
  return wrap(unjittered(token) + randomBelow(JITTER_MAX, random));
}

/** The token with its jitter bits cleared. */
function unjittered(token: bigint): bigint {
  return (token >> 40n) << 40n;
}

/** A 53-bit-precision random fraction of `span`, as a bigint. */
function randomBelow(span: bigint, random: () => number): bigint {
  const scale = 1n << 53n;
  return (span * BigInt(Math.floor(random() * Number(scale)))) / scale;
}

function evenlySpaced(numTokens: number, random: () => number): bigint[] {
  const step = RING_SIZE / BigInt(numTokens);
  const offset = randomBelow(step, random);
  const out: bigint[] = [];
  for (let i = 0; i < numTokens; i++) out.push(wrap(MIN_TOKEN + offset + step * BigInt(i)));
  return out;
}

const NEW_NODE = '\u0000new';

/** Where in a range a candidate token may cut it, as fractions of the range. */
const CUT_POINTS = [1n, 2n, 3n, 4n, 5n, 6n, 7n];
const CUT_PARTS = 8n;
/** Rounds of moving each placed token to its best cut once all are placed. */
const REFINE_ROUNDS = 4;

/**
 * Greedy placement, then refinement: each token goes to the candidate cut
 * that leaves the replicated ownership (at `replicationFactor`, walking the
 * ring like SimpleStrategy) most even, measured as the sum of squared
 * shares. Candidates are the eighth points of the largest ranges. Placing
 * tokens one at a time is short-sighted (the first ones are placed while the
 * new node owns almost nothing), so once all are placed each is taken out
 * and put back at its best cut again, for a few rounds or until none moves.
 */
function greedyBalanced(local: TokenRing, numTokens: number, replicationFactor: number): bigint[] {
  const tokens = [...local.sortedTokens()];
  const owners = tokens.map((_, i) => local.ownerAt(i));
  const candidatesMax = Math.max(8, 4 * numTokens);
  const out: bigint[] = [];
  for (let k = 0; k < numTokens; k++) {
    const best = bestCut(tokens, owners, candidatesMax, replicationFactor);
    if (!best) throw new Error(`cannot place ${numTokens} tokens: ranges too small to split`);
    tokens.splice(best.at, 0, best.token);
    owners.splice(best.at, 0, NEW_NODE);
    out.push(best.token);
  }
  for (let round = 0; round < REFINE_ROUNDS; round++) {
    let moved = false;
    for (let k = 0; k < out.length; k++) {
      const at = tokens.indexOf(out[k]!);
      const before = imbalance(tokens, owners, replicationFactor);
      tokens.splice(at, 1);
      owners.splice(at, 1);
      const best = bestCut(tokens, owners, candidatesMax, replicationFactor);
      if (best && best.score < before && best.token !== out[k]) {
        tokens.splice(best.at, 0, best.token);
        owners.splice(best.at, 0, NEW_NODE);
        out[k] = best.token;
        moved = true;
      } else {
        tokens.splice(at, 0, out[k]!);
        owners.splice(at, 0, NEW_NODE);
      }
    }
    if (!moved) break;
  }
  return out;
}

/** The candidate cut (at an eighth point of one of the largest ranges) that leaves ownership most even. */
function bestCut(tokens: bigint[], owners: EndpointId[], candidatesMax: number, replicationFactor: number): { token: bigint; at: number; score: number } | undefined {
  let best: { token: bigint; at: number; score: number } | undefined;
  for (const index of largestRanges(tokens, candidatesMax)) {
    const prev = tokens[(index - 1 + tokens.length) % tokens.length]!;
    const size = spanBefore(tokens, index);
    for (const cut of CUT_POINTS) {
      const token = wrap(prev + (size * cut) / CUT_PARTS);
      if (token === prev || token === tokens[index]) continue;
      const at = insertionIndex(tokens, token);
      tokens.splice(at, 0, token);
      owners.splice(at, 0, NEW_NODE);
      const score = imbalance(tokens, owners, replicationFactor);
      tokens.splice(at, 1);
      owners.splice(at, 1);
      if (!best || score < best.score) best = { token, at, score };
    }
  }
  return best;
}

/** Indexes of the `count` largest ranges (ties broken by ring order, so the choice is deterministic). */
function largestRanges(tokens: readonly bigint[], count: number): number[] {
  const sizes = tokens.map((_, i) => ({ i, size: spanBefore(tokens, i) }));
  sizes.sort((a, b) => (a.size > b.size ? -1 : a.size < b.size ? 1 : a.i - b.i));
  return sizes.slice(0, count).map((s) => s.i);
}

/**
 * Sum of squared shares, of replicated ownership at `replicationFactor` and
 * of primary ownership: with a fixed total it is smallest when every
 * endpoint holds the same. Primary ownership counts too, so a ring with no
 * more nodes than the RF (where every node replicates everything) still
 * spreads its primary ranges evenly.
 */
function imbalance(tokens: readonly bigint[], owners: readonly EndpointId[], replicationFactor: number): number {
  const n = tokens.length;
  const ids = new Map<EndpointId, number>();
  const owner = owners.map((o) => {
    let id = ids.get(o);
    if (id === undefined) ids.set(o, (id = ids.size));
    return id;
  });
  const endpoints = ids.size;
  // replicated[r * endpoints + e]: endpoint e's share of the ring at replication factor r + 1.
  const replicated = new Float64Array(replicationFactor * endpoints);
  const chosen: number[] = [];
  for (let i = 0; i < n; i++) {
    const share = Number(spanBefore(tokens, i)) / RING_SIZE_NUMBER;
    chosen.length = 0;
    for (let step = 0; step < n && chosen.length < replicationFactor && chosen.length < endpoints; step++) {
      const o = owner[(i + step) % n]!;
      if (chosen.includes(o)) continue;
      chosen.push(o);
      // Each later replica also replicates the range at every higher factor.
      for (let r = chosen.length - 1; r < replicationFactor; r++) replicated[r * endpoints + o]! += share;
    }
  }
  let sum = 0;
  for (const x of replicated) sum += x * x;
  return sum;
}

const RING_SIZE_NUMBER = Number(RING_SIZE);

/** Size of the range ending at tokens[i]. */
function spanBefore(tokens: readonly bigint[], i: number): bigint {
  if (tokens.length === 1) return RING_SIZE;
  const prev = tokens[(i - 1 + tokens.length) % tokens.length]!;
  const d = tokens[i]! - prev;
  return d > 0n ? d : d + RING_SIZE;
}

function insertionIndex(tokens: readonly bigint[], token: bigint): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]! < token) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Brings a token back into [MIN_TOKEN, MAX_TOKEN] after arithmetic past either end. */
function wrap(token: bigint): bigint {
  if (token > MAX_TOKEN) return token - RING_SIZE;
  if (token < MIN_TOKEN) return token + RING_SIZE;
  return token;
}

/**
 * MIN_TOKEN is never a key's token and is kept out of rings; a token another
 * endpoint (of any datacenter) already holds moves up to the next free one.
 */
function avoidCollision(token: bigint, taken: Set<bigint>): bigint {
  let t = token;
  while (t === MIN_TOKEN || taken.has(t)) t = wrap(t + 1n);
  taken.add(t);
  return t;
}
