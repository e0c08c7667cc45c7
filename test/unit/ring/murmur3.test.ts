import { expect } from 'chai';
import fc from 'fast-check';
import { murmur3Token } from '../../../src/ring/murmur3.js';

const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, n: bigint) => ((x << n) | (x >> (64n - n))) & MASK;
const fmix = (k: bigint) => {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK;
  return k ^ (k >> 33n);
};

/**
 * Cassandra's MurmurHash.hash3_x64_128 transcribed with BigInt, slow and
 * plain: the reference the allocation-free implementation must agree with.
 */
function referenceToken(key: Uint8Array): bigint {
  if (key.length === 0) return -(2n ** 63n);
  const c1 = 0x87c37b91114253d5n;
  const c2 = 0x4cf5ad432745937fn;
  const word = (at: number) => Buffer.from(key.buffer, key.byteOffset, key.byteLength).readBigUInt64LE(at);
  // Java's (long) key[i]: a signed byte, sign-extended.
  const signed = (i: number) => BigInt.asUintN(64, BigInt((key[i]! << 24) >> 24));
  let h1 = 0n;
  let h2 = 0n;
  const nblocks = key.length >> 4;
  for (let i = 0; i < nblocks; i++) {
    const k1 = (rotl((word(i * 16) * c1) & MASK, 31n) * c2) & MASK;
    h1 = (((rotl(h1 ^ k1, 27n) + h2) * 5n + 0x52dce729n) & MASK);
    const k2 = (rotl((word(i * 16 + 8) * c2) & MASK, 33n) * c1) & MASK;
    h2 = (((rotl(h2 ^ k2, 31n) + h1) * 5n + 0x38495ab5n) & MASK);
  }
  const tail = nblocks * 16;
  const rest = key.length & 15;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = rest; i > 8; i--) k2 ^= (signed(tail + i - 1) << BigInt((i - 9) * 8)) & MASK;
  if (rest > 8) h2 ^= (rotl((k2 * c2) & MASK, 33n) * c1) & MASK;
  for (let i = Math.min(rest, 8); i > 0; i--) k1 ^= (signed(tail + i - 1) << BigInt((i - 1) * 8)) & MASK;
  if (rest > 0) h1 ^= (rotl((k1 * c1) & MASK, 31n) * c2) & MASK;
  const len = BigInt(key.length);
  h1 ^= len;
  h2 ^= len;
  h1 = (h1 + h2) & MASK;
  h2 = (h2 + h1) & MASK;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) & MASK;
  const token = BigInt.asIntN(64, h1);
  return token === -(2n ** 63n) ? 2n ** 63n - 1n : token;
}

/** Token values published with Cassandra's drivers, computed by Cassandra's Murmur3Partitioner. */
const VECTORS: [string, Buffer, bigint][] = [
  ["'123'", Buffer.from('123'), -7468325962851647638n],
  ['0x00ff10fa99 × 10 (two blocks and a tail with high bytes)', Buffer.from('00ff10fa99'.repeat(10), 'hex'), 5837342703291459765n],
  ['0xfe × 8 (a tail of bytes ≥ 0x80, sign-extended as Cassandra does)', Buffer.alloc(8, 0xfe), -8927430733708461935n],
  ['0x10 × 8', Buffer.alloc(8, 0x10), 1446172840243228796n],
  ["'9223372036854775807'", Buffer.from('9223372036854775807'), 7162290910810015547n],
  ['int 1', Buffer.from([0, 0, 0, 1]), -4069959284402364209n],
  ['0x0102…10 (exactly one block)', Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'), -5563837382979743776n],
];

describe('murmur3Token', () => {
  for (const [name, key, token] of VECTORS) {
    it(`gives Cassandra's token for ${name}`, () => {
      expect(murmur3Token(key)).to.equal(token);
    });
  }

  it('gives the empty key the minimum token', () => {
    expect(murmur3Token(Buffer.alloc(0))).to.equal(-(2n ** 63n));
  });

  it('agrees with a BigInt transcription of Cassandra\'s hash on random keys of every tail length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 70 }), (key) => {
        expect(murmur3Token(key)).to.equal(referenceToken(key));
      }),
      { numRuns: 2000 },
    );
  });

  it('the BigInt reference itself gives the published tokens', () => {
    for (const [, key, token] of VECTORS) expect(referenceToken(key)).to.equal(token);
  });

  it('reads a key from the middle of a larger buffer by its own bounds', () => {
    const big = Buffer.concat([Buffer.from('xx'), Buffer.from('123'), Buffer.from('yy')]);
    expect(murmur3Token(big.subarray(2, 5))).to.equal(-7468325962851647638n);
  });
});
