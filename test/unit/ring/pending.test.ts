import { expect } from 'chai';
import type { ConsistencyName } from '../../../grammar/ast.js';
import { assureLiveReplicas, pendingBlockFor } from '../../../src/ring/consistency.js';
import { pendingReplicas, rangeMovements } from '../../../src/ring/pending.js';
import { naturalReplicas } from '../../../src/ring/replication.js';
import { TokenRing, type EndpointInfo } from '../../../src/ring/token-ring.js';
import { WriteTracker } from '../../../src/ring/write-core.js';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { UnavailableError } from '../../../src/util/errors.js';

const simple = (rf: number): ReplicationOptions => ({ class: 'SimpleStrategy', factors: { replication_factor: rf } });
const node = (id: string, ...tokens: number[]): EndpointInfo => ({ id, tokens: tokens.map(BigInt), dc: 'dc1', rack: 'r1' });

// Four nodes, one token each: A 100, B 200, C 300, D 400. A range (prev, t] belongs first to t's owner.
const A = node('A', 100);
const B = node('B', 200);
const C = node('C', 300);
const D = node('D', 400);
const three = TokenRing.of([A, B, C]);

describe('pendingReplicas', () => {
  it('is empty when the future ring is the current ring', () => {
    expect(pendingReplicas(three, three, simple(2), 150n)).to.deep.equal([]);
  });

  it('names a joining node for the tokens it will replicate, and only those', () => {
    const future = three.withEndpoint(D); // D takes (300, 400] from A, and becomes second replica of (200, 300]
    const rf2 = simple(2);
    expect(pendingReplicas(three, future, rf2, 350n)).to.deep.equal(['D']);
    expect(pendingReplicas(three, future, rf2, 250n)).to.deep.equal(['D']);
    expect(pendingReplicas(three, future, rf2, 150n)).to.deep.equal([]);
    expect(pendingReplicas(three, future, rf2, 50n)).to.deep.equal([]);
  });

  it('names the node that takes over a leaving node\'s replica', () => {
    const current = TokenRing.of([A, B, C, D]);
    const future = current.withoutEndpoint('B'); // (100, 200] now falls to C, then D
    const rf2 = simple(2);
    expect(naturalReplicas(current, rf2, 150n)).to.deep.equal(['B', 'C']);
    expect(pendingReplicas(current, future, rf2, 150n)).to.deep.equal(['D']);
    expect(pendingReplicas(current, future, rf2, 50n)).to.deep.equal(['C']); // (400, 100]: A, B → A, C
    expect(pendingReplicas(current, future, rf2, 250n)).to.deep.equal([]);
  });
});

describe('rangeMovements', () => {
  it('lists the ranges a joining node gains with their current and future replicas', () => {
    const movements = rangeMovements(three, three.withEndpoint(D), simple(2));
    expect(movements).to.deep.equal([
      { range: { start: 200n, end: 300n }, current: ['C', 'A'], future: ['C', 'D'], gaining: ['D'] },
      { range: { start: 300n, end: 400n }, current: ['A', 'B'], future: ['D', 'A'], gaining: ['D'] },
    ]);
  });

  it('cuts the ranges of a leaving node at the tokens of both rings and joins the wrap-around', () => {
    const current = TokenRing.of([A, B, C, D]);
    const movements = rangeMovements(current, current.withoutEndpoint('B'), simple(2));
    expect(movements).to.deep.equal([
      { range: { start: 0n + 400n, end: 100n }, current: ['A', 'B'], future: ['A', 'C'], gaining: ['C'] },
      { range: { start: 100n, end: 200n }, current: ['B', 'C'], future: ['C', 'D'], gaining: ['D'] },
    ]);
  });

  it('moves nothing into or out of an empty ring, or when nothing changes', () => {
    expect(rangeMovements(TokenRing.empty(), TokenRing.of([A]), simple(1))).to.deep.equal([]);
    expect(rangeMovements(three, three, simple(3))).to.deep.equal([]);
  });

  it('with RF at least the node count, a joining node gains the whole ring as one range', () => {
    const one = TokenRing.of([A]);
    expect(rangeMovements(one, one.withEndpoint(B), simple(3))).to.deep.equal([
      { range: { start: 200n, end: 200n }, current: ['A'], future: ['A', 'B'], gaining: ['B'] },
    ]);
  });
});

describe('blockFor with pending replicas', () => {
  const dcOf = (): string => 'dc1';
  const rf3 = simple(3);

  const table: [ConsistencyName, number, number, number][] = [
    // level, pending, blockFor, acks that still leave it pending
    ['ONE', 1, 2, 1],
    ['QUORUM', 1, 3, 2],
    ['QUORUM', 2, 4, 3],
    ['ALL', 1, 4, 3],
    ['LOCAL_QUORUM', 1, 3, 2],
    ['EACH_QUORUM', 1, 3, 2],
  ];
  for (const [level, pending, expected, short] of table) {
    it(`${level} with ${pending} pending replica(s) at RF 3 waits for ${expected} acks`, () => {
      const pend = Array.from({ length: pending }, (_, i) => `p${i}`);
      const tracker = new WriteTracker({ level, replication: rf3, localDc: 'dc1', targets: ['a', 'b', 'c', ...pend], dcOf, pending: pend });
      expect(tracker.blockFor).to.equal(expected);
      const acks = ['a', 'b', 'c', ...pend];
      for (let i = 0; i < short; i++) tracker.ack(acks[i]!);
      expect(tracker.outcome()).to.equal('pending');
      tracker.ack(acks[short]!);
      expect(tracker.outcome()).to.equal('success');
    });
  }

  it('ANY needs no more than before', () => {
    expect(pendingBlockFor('ANY', rf3, 'dc1', { dc1: 2 })).to.equal(0);
    const tracker = new WriteTracker({ level: 'ANY', replication: rf3, localDc: 'dc1', targets: ['a', 'p'], dcOf, pending: ['p'] });
    expect(tracker.blockFor).to.equal(1);
  });

  it('LOCAL_QUORUM under NetworkTopologyStrategy counts only pending replicas of the local datacenter', () => {
    const nts: ReplicationOptions = { class: 'NetworkTopologyStrategy', factors: { dc1: 3, dc2: 3 } };
    expect(pendingBlockFor('LOCAL_QUORUM', nts, 'dc1', { dc1: 1, dc2: 1 })).to.equal(1);
    expect(pendingBlockFor('QUORUM', nts, 'dc1', { dc1: 1, dc2: 1 })).to.equal(2);
  });

  it('a QUORUM write fails as soon as too many of natural and pending replicas failed', () => {
    const tracker = new WriteTracker({ level: 'QUORUM', replication: rf3, localDc: 'dc1', targets: ['a', 'b', 'c', 'p'], dcOf, pending: ['p'] });
    tracker.ack('a');
    tracker.fail('b');
    expect(tracker.outcome()).to.equal('pending');
    tracker.fail('p');
    expect(tracker.outcome()).to.deep.equal({ failure: { received: 1, failures: 2 } });
  });

  it('Unavailable counts live pending replicas as alive and requires one more per pending replica', () => {
    const alive = new Set(['a', 'b', 'p']);
    const isAlive = (e: string) => alive.has(e);
    // 3 live of 4 targets, 3 required: available.
    assureLiveReplicas('QUORUM', rf3, 'dc1', ['a', 'b', 'c'], isAlive, dcOf, ['p']);
    alive.delete('p');
    let err: unknown;
    try {
      assureLiveReplicas('QUORUM', rf3, 'dc1', ['a', 'b', 'c'], isAlive, dcOf, ['p']);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(UnavailableError);
    expect({ required: (err as UnavailableError).required, alive: (err as UnavailableError).alive }).to.deep.equal({ required: 3, alive: 2 });
  });
});
