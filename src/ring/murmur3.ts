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
 * Every request hashes its partition key, on the driver and on the node, so
 * the 64-bit arithmetic runs on pairs of unsigned 32-bit halves held in
 * plain local numbers, and allocates nothing: each helper returns the high
 * half of its 64-bit result and leaves the low half in `low`. That is many
 * times faster than BigInt and than a {hi, lo} object per step. Only the
 * final token becomes a bigint, read from a typed array.
 */

/** The low 32 bits of the last 64-bit result a helper below returned the high bits of. */
let low = 0;

const C1_HI = 0x87c37b91;
const C1_LO = 0x114253d5;
const C2_HI = 0x4cf5ad43;
const C2_LO = 0x2745937f;
const FMIX1_HI = 0xff51afd7;
const FMIX1_LO = 0xed558ccd;
const FMIX2_HI = 0xc4ceb9fe;
const FMIX2_LO = 0x1a85ec53;

/** (aHi, aLo) × (bHi, bLo) mod 2^64. */
function mul(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  low = ((mid & 0xffff) * 0x10000 + (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 0x10000);
  return (carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** (aHi, aLo) + (bHi, bLo) mod 2^64. */
function add(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const sum = aLo + bLo;
  low = sum >>> 0;
  return (aHi + bHi + (sum > 0xffffffff ? 1 : 0)) >>> 0;
}

/** (hi, lo) rotated left by n bits, 0 < n < 64. */
function rotl(hi: number, lo: number, n: number): number {
  if (n >= 32) {
    [hi, lo] = [lo, hi];
    n -= 32;
  }
  if (n === 0) {
    low = lo;
    return hi;
  }
  low = ((lo << n) | (hi >>> (32 - n))) >>> 0;
  return ((hi << n) | (lo >>> (32 - n))) >>> 0;
}

/** (hi, lo) shifted left by n bits, 0 ≤ n < 64. */
function shl(hi: number, lo: number, n: number): number {
  if (n === 0) {
    low = lo;
    return hi;
  }
  if (n >= 32) {
    low = 0;
    return (lo << (n - 32)) >>> 0;
  }
  low = (lo << n) >>> 0;
  return ((hi << n) | (lo >>> (32 - n))) >>> 0;
}

/** k × C1, rotated left 31, × C2: how a first-half block (or tail) enters h1. */
function mixK1(hi: number, lo: number): number {
  hi = mul(hi, lo, C1_HI, C1_LO);
  hi = rotl(hi, low, 31);
  return mul(hi, low, C2_HI, C2_LO);
}

/** k × C2, rotated left 33, × C1: how a second-half block (or tail) enters h2. */
function mixK2(hi: number, lo: number): number {
  hi = mul(hi, lo, C2_HI, C2_LO);
  hi = rotl(hi, low, 33);
  return mul(hi, low, C1_HI, C1_LO);
}

/** A block's last step on one half of the state: h = (rotl(h, rotation) + other) × 5 + addend. */
function stir(hHi: number, hLo: number, otherHi: number, otherLo: number, rotation: number, addend: number): number {
  hHi = rotl(hHi, hLo, rotation);
  hHi = add(hHi, low, otherHi, otherLo);
  hHi = mul(hHi, low, 0, 5);
  return add(hHi, low, 0, addend);
}

/** MurmurHash3's finalizer: k ^= k >>> 33; k ×= FMIX1; k ^= k >>> 33; k ×= FMIX2; k ^= k >>> 33. */
function fmix(hi: number, lo: number): number {
  hi = mul(hi, (lo ^ (hi >>> 1)) >>> 0, FMIX1_HI, FMIX1_LO);
  hi = mul(hi, (low ^ (hi >>> 1)) >>> 0, FMIX2_HI, FMIX2_LO);
  low = (low ^ (hi >>> 1)) >>> 0;
  return hi;
}

/**
 * The tail byte at `index` as Cassandra's Java reads it (signed, then
 * sign-extended to 64 bits), shifted left by `shift` bits.
 */
function tailByte(key: Uint8Array, index: number, shift: number): number {
  const b = key[index]!;
  return b >= 0x80 ? shl(0xffffffff, (0xffffff00 | b) >>> 0, shift) : shl(0, b, shift);
}

const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

/** One 64-bit slot seen as two 32-bit halves and as a signed bigint: the token becomes a bigint without shifts. */
const TOKEN_SLOT = new BigInt64Array(1);
const TOKEN_HALVES = new Uint32Array(TOKEN_SLOT.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The token Cassandra's Murmur3Partitioner gives a serialized partition key. */
export function murmur3Token(key: Uint8Array): bigint {
  // Cassandra gives the empty key the minimum token rather than hashing it.
  const length = key.length;
  if (length === 0) return LONG_MIN;
  let h1Hi = 0;
  let h1Lo = 0;
  let h2Hi = 0;
  let h2Lo = 0;
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  const nblocks = length >> 4;

  for (let i = 0; i < nblocks; i++) {
    const at = i * 16;
    // h1 ^= mixK1(k1); h1 = (rotl(h1, 27) + h2) × 5 + 0x52dce729
    h1Hi = (h1Hi ^ mixK1(view.getUint32(at + 4, true), view.getUint32(at, true))) >>> 0;
    h1Lo = (h1Lo ^ low) >>> 0;
    h1Hi = stir(h1Hi, h1Lo, h2Hi, h2Lo, 27, 0x52dce729);
    h1Lo = low;
    // h2 ^= mixK2(k2); h2 = (rotl(h2, 31) + h1) × 5 + 0x38495ab5
    h2Hi = (h2Hi ^ mixK2(view.getUint32(at + 12, true), view.getUint32(at + 8, true))) >>> 0;
    h2Lo = (h2Lo ^ low) >>> 0;
    h2Hi = stir(h2Hi, h2Lo, h1Hi, h1Lo, 31, 0x38495ab5);
    h2Lo = low;
  }

  const tail = nblocks * 16;
  const rest = length & 15;
  if (rest > 8) {
    let kHi = 0;
    let kLo = 0;
    for (let i = rest; i > 8; i--) {
      kHi = (kHi ^ tailByte(key, tail + i - 1, (i - 9) * 8)) >>> 0;
      kLo = (kLo ^ low) >>> 0;
    }
    h2Hi = (h2Hi ^ mixK2(kHi, kLo)) >>> 0;
    h2Lo = (h2Lo ^ low) >>> 0;
  }
  if (rest > 0) {
    let kHi = 0;
    let kLo = 0;
    for (let i = Math.min(rest, 8); i > 0; i--) {
      kHi = (kHi ^ tailByte(key, tail + i - 1, (i - 1) * 8)) >>> 0;
      kLo = (kLo ^ low) >>> 0;
    }
    h1Hi = (h1Hi ^ mixK1(kHi, kLo)) >>> 0;
    h1Lo = (h1Lo ^ low) >>> 0;
  }

  // h1 ^= len; h2 ^= len; h1 += h2; h2 += h1; h1 = fmix(h1); h2 = fmix(h2); h1 += h2
  h1Lo = (h1Lo ^ length) >>> 0;
  h2Lo = (h2Lo ^ length) >>> 0;
  h1Hi = add(h1Hi, h1Lo, h2Hi, h2Lo);
  h1Lo = low;
  h2Hi = add(h2Hi, h2Lo, h1Hi, h1Lo);
  h2Lo = low;
  h1Hi = fmix(h1Hi, h1Lo);
  h1Lo = low;
  h2Hi = fmix(h2Hi, h2Lo);
  h2Lo = low;
  h1Hi = add(h1Hi, h1Lo, h2Hi, h2Lo);
  h1Lo = low;

  TOKEN_HALVES[LITTLE_ENDIAN ? 1 : 0] = h1Hi;
  TOKEN_HALVES[LITTLE_ENDIAN ? 0 : 1] = h1Lo;
  const token = TOKEN_SLOT[0]!;
  return token === LONG_MIN ? LONG_MAX : token;
}
