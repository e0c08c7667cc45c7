/**
 * Cassandra's Murmur3Partitioner token: the first 64 bits of MurmurHash3
 * x64_128 (seed 0) over the serialized partition key, as a signed 64-bit
 * integer, with Long.MIN_VALUE mapped to Long.MAX_VALUE (the minimum token is
 * reserved for "before every key").
 *
 * Cassandra's Java port reads the tail bytes (the last length % 16) as
 * *signed* bytes and sign-extends them before shifting. That differs from
 * the reference MurmurHash3 for any tail byte ≥ 0x80; we reproduce it so
 * `token(pk)` matches Cassandra's for the same key bytes.
 */

const MASK64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

function rotl64(v: bigint, n: bigint): bigint {
  return ((v << n) | (v >> (64n - n))) & MASK64;
}

function fmix64(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK64;
  k ^= k >> 33n;
  return k;
}

/** A tail byte as Cassandra's Java reads it: signed, then widened to 64 bits. */
function signedByte(b: number): bigint {
  return BigInt.asUintN(64, BigInt(b >= 0x80 ? b - 0x100 : b));
}

/** MurmurHash3 x64_128 as Cassandra computes it; returns [h1, h2] as unsigned 64-bit values. */
export function murmur3x64128(key: Uint8Array, seed = 0n): [bigint, bigint] {
  const length = key.length;
  const nblocks = length >> 4;
  let h1 = seed & MASK64;
  let h2 = seed & MASK64;
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);

  for (let i = 0; i < nblocks; i++) {
    let k1 = view.getBigUint64(i * 16, true);
    let k2 = view.getBigUint64(i * 16 + 8, true);

    k1 = (k1 * C1) & MASK64;
    k1 = rotl64(k1, 31n);
    k1 = (k1 * C2) & MASK64;
    h1 ^= k1;
    h1 = rotl64(h1, 27n);
    h1 = (h1 + h2) & MASK64;
    h1 = (h1 * 5n + 0x52dce729n) & MASK64;

    k2 = (k2 * C2) & MASK64;
    k2 = rotl64(k2, 33n);
    k2 = (k2 * C1) & MASK64;
    h2 ^= k2;
    h2 = rotl64(h2, 31n);
    h2 = (h2 + h1) & MASK64;
    h2 = (h2 * 5n + 0x38495ab5n) & MASK64;
  }

  const tail = nblocks * 16;
  const rest = length & 15;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = rest; i > 8; i--) {
    k2 ^= (signedByte(key[tail + i - 1]!) << BigInt((i - 9) * 8)) & MASK64;
  }
  if (rest > 8) {
    k2 = (k2 * C2) & MASK64;
    k2 = rotl64(k2, 33n);
    k2 = (k2 * C1) & MASK64;
    h2 ^= k2;
  }
  for (let i = Math.min(rest, 8); i > 0; i--) {
    k1 ^= (signedByte(key[tail + i - 1]!) << BigInt((i - 1) * 8)) & MASK64;
  }
  if (rest > 0) {
    k1 = (k1 * C1) & MASK64;
    k1 = rotl64(k1, 31n);
    k1 = (k1 * C2) & MASK64;
    h1 ^= k1;
  }

  h1 ^= BigInt(length);
  h2 ^= BigInt(length);
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  return [h1, h2];
}

const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

/** The token Cassandra's Murmur3Partitioner gives a serialized partition key. */
export function murmur3Token(key: Uint8Array): bigint {
  // Cassandra gives the empty key the minimum token rather than hashing it.
  if (key.length === 0) return LONG_MIN;
  const token = BigInt.asIntN(64, murmur3x64128(key)[0]);
  return token === LONG_MIN ? LONG_MAX : token;
}
