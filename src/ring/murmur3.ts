/**
 * Cassandra's Murmur3Partitioner token: the first 64 bits of MurmurHash3
 * x64_128 (seed 0) over the serialized partition key, as a signed 64-bit
 * integer, with Long.MIN_VALUE mapped to Long.MAX_VALUE (the minimum token is
 * reserved for "before every key"), and the empty key given the minimum.
 *
 * Cassandra's Java port reads the tail bytes (the last length % 16) as
 * *signed* bytes and sign-extends them before shifting. That differs from
 * the reference MurmurHash3 for any tail byte ≥ 0x80; we reproduce it so
 * `token(pk)` matches Cassandra's for the same key bytes.
 *
 * Every request hashes its partition key, so the 64-bit arithmetic runs on
 * pairs of unsigned 32-bit halves (hi, lo) in plain numbers: about ten times
 * faster than BigInt. Only the final result becomes a bigint.
 */

/** A 64-bit value as two unsigned 32-bit halves. */
interface U64 {
  hi: number;
  lo: number;
}

function u64(hi: number, lo: number): U64 {
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

const C1 = u64(0x87c37b91, 0x114253d5);
const C2 = u64(0x4cf5ad43, 0x2745937f);
const FMIX1 = u64(0xff51afd7, 0xed558ccd);
const FMIX2 = u64(0xc4ceb9fe, 0x1a85ec53);
const ADD1 = u64(0, 0x52dce729);
const ADD2 = u64(0, 0x38495ab5);

/** a × b mod 2^64. */
function mul(a: U64, b: U64): U64 {
  const a0 = a.lo & 0xffff;
  const a1 = a.lo >>> 16;
  const b0 = b.lo & 0xffff;
  const b1 = b.lo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = ((mid & 0xffff) * 0x10000 + (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + Math.floor(p01 / 0x10000) + Math.floor(p10 / 0x10000) + Math.floor(mid / 0x10000);
  const hi = (carry + Math.imul(a.hi, b.lo) + Math.imul(a.lo, b.hi)) >>> 0;
  return { hi, lo };
}

function add(a: U64, b: U64): U64 {
  const lo = a.lo + b.lo;
  return { hi: (a.hi + b.hi + (lo > 0xffffffff ? 1 : 0)) >>> 0, lo: lo >>> 0 };
}

function xor(a: U64, b: U64): U64 {
  return { hi: (a.hi ^ b.hi) >>> 0, lo: (a.lo ^ b.lo) >>> 0 };
}

function rotl(a: U64, n: number): U64 {
  let { hi, lo } = a;
  if (n >= 32) {
    [hi, lo] = [lo, hi];
    n -= 32;
  }
  if (n === 0) return { hi, lo };
  return { hi: ((hi << n) | (lo >>> (32 - n))) >>> 0, lo: ((lo << n) | (hi >>> (32 - n))) >>> 0 };
}

function shl(a: U64, n: number): U64 {
  if (n === 0) return a;
  if (n >= 32) return { hi: (a.lo << (n - 32)) >>> 0, lo: 0 };
  return { hi: ((a.hi << n) | (a.lo >>> (32 - n))) >>> 0, lo: (a.lo << n) >>> 0 };
}

/** k ^ (k >>> 33) */
function xorShift33(k: U64): U64 {
  return { hi: k.hi, lo: (k.lo ^ (k.hi >>> 1)) >>> 0 };
}

function fmix(k: U64): U64 {
  k = xorShift33(k);
  k = mul(k, FMIX1);
  k = xorShift33(k);
  k = mul(k, FMIX2);
  return xorShift33(k);
}

/** A tail byte as Cassandra's Java reads it: signed, then sign-extended to 64 bits. */
function signedByte(b: number): U64 {
  return b >= 0x80 ? { hi: 0xffffffff, lo: (0xffffff00 | b) >>> 0 } : { hi: 0, lo: b };
}

function block(view: DataView, offset: number): U64 {
  return { hi: view.getUint32(offset + 4, true), lo: view.getUint32(offset, true) };
}

/** MurmurHash3 x64_128 as Cassandra computes it, seed 0; returns h1 and h2. */
export function murmur3x64128(key: Uint8Array): [U64, U64] {
  const length = key.length;
  const nblocks = length >> 4;
  let h1: U64 = { hi: 0, lo: 0 };
  let h2: U64 = { hi: 0, lo: 0 };
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);

  for (let i = 0; i < nblocks; i++) {
    let k1 = block(view, i * 16);
    let k2 = block(view, i * 16 + 8);
    k1 = mul(rotl(mul(k1, C1), 31), C2);
    h1 = xor(h1, k1);
    h1 = add(mul(add(rotl(h1, 27), h2), { hi: 0, lo: 5 }), ADD1);
    k2 = mul(rotl(mul(k2, C2), 33), C1);
    h2 = xor(h2, k2);
    h2 = add(mul(add(rotl(h2, 31), h1), { hi: 0, lo: 5 }), ADD2);
  }

  const tail = nblocks * 16;
  const rest = length & 15;
  let k1: U64 = { hi: 0, lo: 0 };
  let k2: U64 = { hi: 0, lo: 0 };
  for (let i = rest; i > 8; i--) k2 = xor(k2, shl(signedByte(key[tail + i - 1]!), (i - 9) * 8));
  if (rest > 8) h2 = xor(h2, mul(rotl(mul(k2, C2), 33), C1));
  for (let i = Math.min(rest, 8); i > 0; i--) k1 = xor(k1, shl(signedByte(key[tail + i - 1]!), (i - 1) * 8));
  if (rest > 0) h1 = xor(h1, mul(rotl(mul(k1, C1), 31), C2));

  const len: U64 = { hi: 0, lo: length };
  h1 = xor(h1, len);
  h2 = xor(h2, len);
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  return [h1, h2];
}

const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

/** The token Cassandra's Murmur3Partitioner gives a serialized partition key. */
export function murmur3Token(key: Uint8Array): bigint {
  // Cassandra gives the empty key the minimum token rather than hashing it.
  if (key.length === 0) return LONG_MIN;
  const [h1] = murmur3x64128(key);
  const token = BigInt.asIntN(64, (BigInt(h1.hi) << 32n) | BigInt(h1.lo));
  return token === LONG_MIN ? LONG_MAX : token;
}
