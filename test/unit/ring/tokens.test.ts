import { expect } from 'chai';
import { seededRandom } from '../../../src/clock/random.js';
import { effectiveOwnership } from '../../../src/ring/replication.js';
import { TokenRing } from '../../../src/ring/token-ring.js';
import { allocateTokens } from '../../../src/ring/tokens.js';
import { MIN_TOKEN } from '../../../src/storage/model.js';

function grow(nodes: number, seed: number, numTokens = 16): TokenRing {
  const random = seededRandom(seed);
  let ring = TokenRing.empty();
  for (let n = 1; n <= nodes; n++) {
    const tokens = allocateTokens({ ring, numTokens, dc: 'dc1', random, replicationFactor: 3 });
    ring = ring.withEndpoint({ id: `10.0.0.${n}:7000`, tokens, dc: 'dc1', rack: 'r1' });
  }
  return ring;
}

function spread(ownership: Map<string, number>): number {
  const v = [...ownership.values()];
  return Math.max(...v) / Math.min(...v);
}

describe('vnode token allocation', () => {
  it('a first node spreads num_tokens tokens evenly from a random offset', () => {
    const tokens = allocateTokens({ ring: TokenRing.empty(), numTokens: 4, dc: 'dc1', random: () => 0, replicationFactor: 3 });
    const step = 2n ** 62n;
    expect(tokens).to.deep.equal([MIN_TOKEN + 1n, MIN_TOKEN + step, MIN_TOKEN + 2n * step, MIN_TOKEN + 3n * step]);
    const shifted = allocateTokens({ ring: TokenRing.empty(), numTokens: 4, dc: 'dc1', random: () => 0.5, replicationFactor: 3 });
    expect(shifted[0]).to.equal(MIN_TOKEN + step / 2n);
  });

  it('is reproducible from the seed of its random source', () => {
    expect(grow(3, 7).sortedTokens()).to.deep.equal(grow(3, 7).sortedTokens());
    expect(grow(3, 7).sortedTokens()).not.to.deep.equal(grow(3, 8).sortedTokens());
  });

  // Measured over seeds 1, 2, 3, 17, 40 (the spread barely depends on the seed, which mostly rotates the ring):
  // primary max/min 1.000 at 2 nodes, 1.004 at 3, 1.040 at 4; replicated (RF 3) 1.166 at 4 nodes, 1.041 at 6.
  for (const seed of [1, 2, 3, 17, 40]) {
    it(`keeps primary ownership within 1.01 for 3 nodes and 1.05 for 4 nodes of 16 tokens (seed ${seed})`, () => {
      expect(spread(grow(2, seed).ownership())).to.be.at.most(1.0001);
      expect(spread(grow(3, seed).ownership())).to.be.at.most(1.01);
      expect(spread(grow(4, seed).ownership())).to.be.at.most(1.05);
    });
  }

  it('keeps RF 3 effective ownership within 1.17 for 4 nodes and 1.05 for 6', () => {
    const rf3 = { class: 'SimpleStrategy' as const, factors: { replication_factor: 3 } };
    const four = effectiveOwnership(grow(4, 5), rf3);
    expect(spread(four)).to.be.at.most(1.17);
    expect([...four.values()].reduce((a, b) => a + b, 0)).to.be.closeTo(3, 1e-9);
    expect(spread(effectiveOwnership(grow(6, 5), rf3))).to.be.at.most(1.05);
  });

  it('gives every node num_tokens distinct tokens', () => {
    const ring = grow(5, 3);
    expect(ring.sortedTokens()).to.have.length(80);
    for (const e of ring.endpoints()) expect(new Set(e.tokens).size).to.equal(16);
  });

  it('balances each datacenter on its own and never reuses another datacenter token', () => {
    const random = seededRandom(11);
    let ring = grow(3, 11);
    for (let n = 1; n <= 2; n++) {
      const tokens = allocateTokens({ ring, numTokens: 16, dc: 'dc2', random, replicationFactor: 3 });
      ring = ring.withEndpoint({ id: `10.0.1.${n}:7000`, tokens, dc: 'dc2', rack: 'r1' });
    }
    const dc2 = TokenRing.of(ring.endpoints().filter((e) => e.dc === 'dc2'));
    expect(spread(dc2.ownership())).to.be.at.most(1.0001);
    expect(new Set(ring.sortedTokens()).size).to.equal(80);
  });

  it('gives two nodes joining at once against the same ring disjoint tokens', () => {
    // Nodes started together (as `sibyl cluster start` starts all but the seed)
    // both allocate against the ring of the first node alone: identical
    // tokens would make each claim the other's, and the ring ignore one.
    const ring = grow(1, 7);
    const b = allocateTokens({ ring, numTokens: 16, dc: 'dc1', random: seededRandom(101), replicationFactor: 3 });
    const c = allocateTokens({ ring, numTokens: 16, dc: 'dc1', random: seededRandom(202), replicationFactor: 3 });
    expect(b.filter((t) => c.includes(t))).to.deep.equal([]);
    const joined = ring.withEndpoint({ id: '10.0.0.2:7000', tokens: b, dc: 'dc1', rack: 'r1' }).withEndpoint({ id: '10.0.0.3:7000', tokens: c, dc: 'dc1', rack: 'r1' });
    expect(joined.sortedTokens()).to.have.length(48);
    // A node joining later balances against both as usual.
    const d = allocateTokens({ ring: joined, numTokens: 16, dc: 'dc1', random: seededRandom(303), replicationFactor: 3 });
    expect(joined.withEndpoint({ id: '10.0.0.4:7000', tokens: d, dc: 'dc1', rack: 'r1' }).sortedTokens()).to.have.length(64);
  });

  it('refuses a num_tokens that is not a positive integer, naming the setting', () => {
    expect(() => allocateTokens({ ring: TokenRing.empty(), numTokens: 0, dc: 'dc1', random: Math.random, replicationFactor: 3 }))
      .to.throw('num_tokens must be a positive integer, got 0');
  });
});
