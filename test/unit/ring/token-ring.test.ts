import { expect } from 'chai';
import { MAX_TOKEN, MIN_TOKEN } from '../../../src/storage/model.js';
import { TokenRing, rangeContains, rangeSize, RING_SIZE } from '../../../src/ring/token-ring.js';

const ring = TokenRing.of([
  { id: 'a:7000', tokens: [-100n, 200n], dc: 'dc1', rack: 'r1' },
  { id: 'b:7000', tokens: [0n], dc: 'dc1', rack: 'r1' },
  { id: 'c:7000', tokens: [100n], dc: 'dc2', rack: 'r1' },
]);

describe('TokenRing', () => {
  it('sorts every endpoint token ascending', () => {
    expect(ring.sortedTokens()).to.deep.equal([-100n, 0n, 100n, 200n]);
  });

  it('gives a token to the first ring token at or after it, wrapping past the last', () => {
    expect(ring.ownerOf(-100n)).to.equal('a:7000');
    expect(ring.ownerOf(-99n)).to.equal('b:7000');
    expect(ring.ownerOf(0n)).to.equal('b:7000');
    expect(ring.ownerOf(150n)).to.equal('a:7000');
    expect(ring.ownerOf(201n)).to.equal('a:7000');
    expect(ring.ownerOf(MAX_TOKEN)).to.equal('a:7000');
    expect(ring.ownerOf(MIN_TOKEN)).to.equal('a:7000');
  });

  it('reports the primary range (prev, token] holding a token, wrapping for the first', () => {
    expect(ring.primaryRangeOf(50n)).to.deep.equal({ start: 0n, end: 100n });
    expect(ring.primaryRangeOf(100n)).to.deep.equal({ start: 0n, end: 100n });
    expect(ring.primaryRangeOf(-500n)).to.deep.equal({ start: 200n, end: -100n });
    expect(ring.primaryRangeOf(300n)).to.deep.equal({ start: 200n, end: -100n });
  });

  it('lists the ranges an endpoint is primary for, the wrapping one as start > end', () => {
    expect(ring.rangesOf('a:7000')).to.deep.equal([
      { start: 200n, end: -100n },
      { start: 100n, end: 200n },
    ]);
    expect(ring.rangesOf('b:7000')).to.deep.equal([{ start: -100n, end: 0n }]);
  });

  it('a single token owns the whole ring as the range start === end', () => {
    const one = TokenRing.of([{ id: 'a:7000', tokens: [42n], dc: 'dc1', rack: 'r1' }]);
    expect(one.rangesOf('a:7000')).to.deep.equal([{ start: 42n, end: 42n }]);
    expect(one.ownership().get('a:7000')).to.equal(1);
  });

  it('ownership is each endpoint share of the ring and sums to 1', () => {
    const half = TokenRing.of([
      { id: 'a', tokens: [0n], dc: 'dc1', rack: 'r1' },
      { id: 'b', tokens: [MIN_TOKEN + 1n], dc: 'dc1', rack: 'r1' },
    ]);
    const own = half.ownership();
    expect(own.get('a')).to.be.closeTo(0.5, 1e-9);
    expect(own.get('b')).to.be.closeTo(0.5, 1e-9);
    const sum = [...ring.ownership().values()].reduce((x, y) => x + y, 0);
    expect(sum).to.be.closeTo(1, 1e-9);
    // b owns (-100, 0]: 100 tokens of 2^64.
    expect(ring.ownership().get('b:7000')).to.be.closeTo(100 / Number(RING_SIZE), 1e-12);
  });

  it('refuses two endpoints claiming one token', () => {
    expect(() => ring.withEndpoint({ id: 'd:7000', tokens: [0n], dc: 'dc1', rack: 'r1' })).to.throw(/token 0 is claimed by both b:7000 and d:7000/);
  });

  it('is immutable: adding or removing an endpoint builds a new ring', () => {
    const smaller = ring.withoutEndpoint('b:7000');
    expect(smaller.sortedTokens()).to.deep.equal([-100n, 100n, 200n]);
    expect(ring.sortedTokens()).to.deep.equal([-100n, 0n, 100n, 200n]);
    expect(smaller.ownerOf(0n)).to.equal('c:7000');
    expect(ring.dcOf('c:7000')).to.equal('dc2');
    expect(ring.datacenters()).to.deep.equal(['dc1', 'dc2']);
  });

  it('measures and tests ranges with wrap-around', () => {
    expect(rangeSize({ start: 0n, end: 10n })).to.equal(10n);
    expect(rangeSize({ start: 10n, end: 0n })).to.equal(RING_SIZE - 10n);
    expect(rangeSize({ start: 5n, end: 5n })).to.equal(RING_SIZE);
    expect(rangeContains({ start: 0n, end: 10n }, 0n)).to.equal(false);
    expect(rangeContains({ start: 0n, end: 10n }, 10n)).to.equal(true);
    expect(rangeContains({ start: 10n, end: 0n }, MAX_TOKEN)).to.equal(true);
    expect(rangeContains({ start: 10n, end: 0n }, 5n)).to.equal(false);
    expect(rangeContains({ start: 7n, end: 7n }, 123n)).to.equal(true);
  });
});
