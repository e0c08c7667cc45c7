import { expect } from 'chai';
import { murmur3Token } from '../../../src/ring/murmur3.js';

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

  it('reads a key from the middle of a larger buffer by its own bounds', () => {
    const big = Buffer.concat([Buffer.from('xx'), Buffer.from('123'), Buffer.from('yy')]);
    expect(murmur3Token(big.subarray(2, 5))).to.equal(-7468325962851647638n);
  });
});
