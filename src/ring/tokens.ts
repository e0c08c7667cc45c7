/**
 * Vnode token allocation: the `num_tokens` tokens a node claims when it
 * first joins. Cassandra's allocate_tokens_for_local_replication_factor
 * optimises replicated ownership with a heavy search; this is the simple,
 * deterministic core of the same idea:
 *
 * - The first node of a datacenter spreads its tokens evenly round the ring,
 *   shifted by a random offset (from the random source passed in).
 * - A later node aims at an equal share, 1/(nodes + 1) of its datacenter's
 *   ring. Each of its tokens is cut from the largest range of the endpoint
 *   that currently owns the most, taking the remaining share divided by the
 *   tokens still to place (or half the range, when the range is smaller
 *   than that). Cutting from the most loaded node keeps the others even.
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
}

/** The new node's tokens, ascending. */
export function allocateTokens(options: AllocateOptions): bigint[] {
  const { ring, numTokens, dc, random } = options;
  if (!Number.isInteger(numTokens) || numTokens < 1) {
    throw new Error(`num_tokens must be a positive integer, got ${numTokens}`);
  }
  const taken = new Set(ring.sortedTokens());
  const local = TokenRing.of(ring.endpoints().filter((e) => e.dc === dc));
  const tokens = local.isEmpty() ? evenlySpaced(numTokens, random) : cutFromLargest(local, numTokens);
  return tokens.map((t) => avoidCollision(t, taken)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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

function cutFromLargest(local: TokenRing, numTokens: number): bigint[] {
  // Mutable copies of the datacenter's ring: tokens ascending with their owners.
  const tokens = [...local.sortedTokens()];
  const owners = tokens.map((_, i) => local.ownerAt(i));
  const owned = new Map<EndpointId, bigint>();
  for (const e of local.endpoints()) owned.set(e.id, 0n);
  for (let i = 0; i < tokens.length; i++) owned.set(owners[i]!, owned.get(owners[i]!)! + spanBefore(tokens, i));

  const target = RING_SIZE / BigInt(local.endpoints().length + 1);
  let mine = 0n;
  const out: bigint[] = [];
  for (let k = 0; k < numTokens; k++) {
    const donor = mostLoaded(owned);
    const index = largestRangeOf(tokens, owners, donor);
    const size = spanBefore(tokens, index);
    const want = (target - mine) / BigInt(numTokens - k);
    // Never take the whole range: the donor keeps at least half of one it cannot spare.
    const take = want > 0n && want < size ? want : size / 2n;
    if (take < 1n) throw new Error(`cannot place ${numTokens} tokens: ranges too small to split`);
    const prev = tokens[(index - 1 + tokens.length) % tokens.length]!;
    const token = wrap(prev + take);
    // The new token owns (prev, token]; the donor keeps (token, its end].
    const at = insertionIndex(tokens, token);
    tokens.splice(at, 0, token);
    owners.splice(at, 0, NEW_NODE);
    owned.set(donor, owned.get(donor)! - take);
    mine += take;
    out.push(token);
  }
  return out;
}

/** Size of the range ending at tokens[i]. */
function spanBefore(tokens: readonly bigint[], i: number): bigint {
  if (tokens.length === 1) return RING_SIZE;
  const prev = tokens[(i - 1 + tokens.length) % tokens.length]!;
  const d = tokens[i]! - prev;
  return d > 0n ? d : d + RING_SIZE;
}

function mostLoaded(owned: Map<EndpointId, bigint>): EndpointId {
  let best: EndpointId | undefined;
  let bestSize = -1n;
  // Ties go to the smaller id so the choice is deterministic.
  for (const [id, size] of [...owned].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (size > bestSize) {
      best = id;
      bestSize = size;
    }
  }
  return best!;
}

function largestRangeOf(tokens: readonly bigint[], owners: readonly EndpointId[], owner: EndpointId): number {
  let best = -1;
  let bestSize = -1n;
  for (let i = 0; i < tokens.length; i++) {
    if (owners[i] !== owner) continue;
    const size = spanBefore(tokens, i);
    if (size > bestSize) {
      best = i;
      bestSize = size;
    }
  }
  return best;
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
