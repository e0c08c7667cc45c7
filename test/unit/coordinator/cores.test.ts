import { expect } from 'chai';
import type { ConsistencyName } from '../../../grammar/ast.js';
import { chooseBatchlogEndpoints } from '../../../src/coordinator/batch-path.js';
import { splitByRing } from '../../../src/coordinator/range-path.js';
import { EMPTY_DIGEST, orderByProximity, readContacts, repairPlan, responseDigest, type ReplicaState } from '../../../src/coordinator/read-core.js';
import { TokenRing } from '../../../src/ring/token-ring.js';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { MIN_TOKEN } from '../../../src/storage/model.js';
import { ck, LAYOUT, live, partition, row } from '../storage/fixtures.js';

const simple = (rf: number): ReplicationOptions => ({ class: 'SimpleStrategy', factors: { replication_factor: rf } });
const NTS: ReplicationOptions = { class: 'NetworkTopologyStrategy', factors: { dc1: 3, dc2: 3 } };

const r = (endpoint: string, dc: string, alive = true): ReplicaState => ({ endpoint, dc, alive });

describe('read core: whom a read contacts', () => {
  it('orders the coordinator first, then its datacenter, then the rest, keeping ring order within each', () => {
    const replicas = [r('x1', 'dc2'), r('a2', 'dc1'), r('self', 'dc1'), r('x2', 'dc2'), r('a3', 'dc1')];
    expect(orderByProximity(replicas, 'self', 'dc1').map((s) => s.endpoint)).to.deep.equal(['self', 'a2', 'a3', 'x1', 'x2']);
  });

  const rf3 = [r('a', 'dc1'), r('b', 'dc1'), r('c', 'dc1')];
  const twoDcs = [r('a1', 'dc1'), r('a2', 'dc1'), r('a3', 'dc1'), r('b1', 'dc2'), r('b2', 'dc2'), r('b3', 'dc2')];
  const cases: [string, ConsistencyName, ReplicationOptions, ReplicaState[], string[]][] = [
    ['ONE, RF 1', 'ONE', simple(1), [r('a', 'dc1')], ['a']],
    ['ONE, RF 3', 'ONE', simple(3), rf3, ['a']],
    ['TWO, RF 3', 'TWO', simple(3), rf3, ['a', 'b']],
    ['QUORUM, RF 3', 'QUORUM', simple(3), rf3, ['a', 'b']],
    ['QUORUM, RF 3, first replica down', 'QUORUM', simple(3), [r('a', 'dc1', false), r('b', 'dc1'), r('c', 'dc1')], ['b', 'c']],
    ['ALL, RF 3', 'ALL', simple(3), rf3, ['a', 'b', 'c']],
    ['LOCAL_ONE, SimpleStrategy counts every replica as local', 'LOCAL_ONE', simple(3), rf3, ['a']],
    ['QUORUM, NTS 3+3 (4 of 6, closest first)', 'QUORUM', NTS, twoDcs, ['a1', 'a2', 'a3', 'b1']],
    ['LOCAL_QUORUM, NTS 3+3 (local only)', 'LOCAL_QUORUM', NTS, [r('b1', 'dc2'), ...twoDcs.slice(0, 3)], ['a1', 'a2']],
    ['LOCAL_ONE, NTS 3+3 skips a closer remote replica', 'LOCAL_ONE', NTS, [r('b1', 'dc2'), r('a1', 'dc1')], ['a1']],
    ['EACH_QUORUM, NTS 3+3 (2 per dc, local first)', 'EACH_QUORUM', NTS, twoDcs, ['a1', 'a2', 'b1', 'b2']],
  ];
  for (const [name, level, replication, replicas, expected] of cases) {
    it(name, () => {
      expect(readContacts(level, replication, 'dc1', replicas)).to.deep.equal(expected);
    });
  }
});

describe('read core: blocking read repair plan', () => {
  const cases: [string, string[], string[], number, 'BLOCKING' | 'NONE', { stale: string[]; acksNeeded: number }][] = [
    ['nothing stale', ['a', 'b'], [], 2, 'BLOCKING', { stale: [], acksNeeded: 0 }],
    ['QUORUM 2, one stale: its repair must be acked', ['a', 'b'], ['b'], 2, 'BLOCKING', { stale: ['b'], acksNeeded: 1 }],
    ['ALL 3, two stale: both repairs acked', ['a', 'b', 'c'], ['b', 'c'], 3, 'BLOCKING', { stale: ['b', 'c'], acksNeeded: 2 }],
    ['both stale (each held half): both acked', ['a', 'b'], ['a', 'b'], 2, 'BLOCKING', { stale: ['a', 'b'], acksNeeded: 2 }],
    ['ONE-like blockFor 1 with one up to date: repair sent, none awaited', ['a', 'b'], ['b'], 1, 'BLOCKING', { stale: ['b'], acksNeeded: 0 }],
    ['read_repair NONE writes nothing back', ['a', 'b'], ['b'], 2, 'NONE', { stale: [], acksNeeded: 0 }],
  ];
  for (const [name, counted, stale, blockFor, mode, expected] of cases) {
    it(name, () => {
      expect(repairPlan(counted, stale, blockFor, mode)).to.deep.equal(expected);
    });
  }

  it('digests an absent partition as the empty digest and equal data equally', () => {
    const p = partition(5, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live('x', 10) }] })] });
    expect(responseDigest(LAYOUT, undefined, 1000)).to.deep.equal(EMPTY_DIGEST);
    expect(responseDigest(LAYOUT, p, 1000)).to.deep.equal(responseDigest(LAYOUT, structuredClone(p), 1000));
    expect(responseDigest(LAYOUT, p, 1000)).to.not.deep.equal(EMPTY_DIGEST);
  });
});

describe('range scans: splitting a token range by the ring', () => {
  const ring = TokenRing.of([
    { id: 'a', tokens: [100n], dc: 'dc1', rack: 'r' },
    { id: 'b', tokens: [200n], dc: 'dc1', rack: 'r' },
    { id: 'c', tokens: [300n], dc: 'dc1', rack: 'r' },
  ]);
  const pieces = (start: bigint, end: bigint) => splitByRing(ring, { start, end }).map((p) => [p.range.start, p.range.end, ring.ownerAt(p.ringIndex)]);

  it('cuts the whole ring at every token, in token order from the start', () => {
    expect(pieces(MIN_TOKEN, MIN_TOKEN)).to.deep.equal([
      [MIN_TOKEN, 100n, 'a'],
      [100n, 200n, 'b'],
      [200n, 300n, 'c'],
      [300n, MIN_TOKEN, 'a'],
    ]);
  });

  it('keeps a range inside one primary range whole', () => {
    expect(pieces(120n, 180n)).to.deep.equal([[120n, 180n, 'b']]);
  });

  it('cuts a range that wraps past the largest token', () => {
    expect(pieces(250n, 150n)).to.deep.equal([
      [250n, 300n, 'c'],
      [300n, 100n, 'a'],
      [100n, 150n, 'b'],
    ]);
  });

  it('does not cut at a ring token equal to the range end', () => {
    expect(pieces(50n, 200n)).to.deep.equal([
      [50n, 100n, 'a'],
      [100n, 200n, 'b'],
    ]);
  });
});

describe('batchlog placement', () => {
  const ring = TokenRing.of([
    { id: 'self', tokens: [1n], dc: 'dc1', rack: 'r1' },
    { id: 'same-rack', tokens: [2n], dc: 'dc1', rack: 'r1' },
    { id: 'other-rack-1', tokens: [3n], dc: 'dc1', rack: 'r2' },
    { id: 'other-rack-2', tokens: [4n], dc: 'dc1', rack: 'r2' },
    { id: 'third-rack', tokens: [5n], dc: 'dc1', rack: 'r3' },
    { id: 'remote', tokens: [6n], dc: 'dc2', rack: 'r9' },
  ]);

  it('prefers two other racks of the local datacenter', () => {
    expect(chooseBatchlogEndpoints(ring, 'self', 'dc1', () => true)).to.deep.equal(['other-rack-1', 'third-rack']);
  });

  it('falls back to its own rack, then to another datacenter, skipping dead nodes', () => {
    const alive = (e: string) => e === 'same-rack' || e === 'remote';
    expect(chooseBatchlogEndpoints(ring, 'self', 'dc1', alive)).to.deep.equal(['same-rack', 'remote']);
  });

  it('logs on the coordinator itself when no other node is alive', () => {
    expect(chooseBatchlogEndpoints(ring, 'self', 'dc1', () => false)).to.deep.equal(['self']);
  });
});
