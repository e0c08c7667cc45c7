import { expect } from 'chai';
import type { ConsistencyName } from '../../../grammar/ast.js';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { ReadTracker } from '../../../src/ring/read-core.js';

const simple = (rf: number): ReplicationOptions => ({ class: 'SimpleStrategy', factors: { replication_factor: rf } });
const nts: ReplicationOptions = { class: 'NetworkTopologyStrategy', factors: { dc1: 3, dc2: 2 } };
const dcOf = (e: string): string => (e.startsWith('a') ? 'dc1' : 'dc2');

// Answers are strings; the later one (greater string) wins, as reconcile would pick the newer cell.
const merge = (x: string, y: string): string => (x > y ? x : y);
const digest = (p: string): Uint8Array => Buffer.from(p);

function tracker(level: ConsistencyName, replication: ReplicationOptions): ReadTracker<string> {
  return new ReadTracker({ level, replication, localDc: 'dc1', dcOf, merge, digest });
}

describe('ReadTracker counting', () => {
  // level, responses needed at RF 1, 3, 5 (a data answer plus matching digests)
  const table: [ConsistencyName, number, number, number][] = [
    ['ONE', 1, 1, 1],
    ['LOCAL_ONE', 1, 1, 1],
    ['TWO', 2, 2, 2],
    ['THREE', 3, 3, 3],
    ['QUORUM', 1, 2, 3],
    ['LOCAL_QUORUM', 1, 2, 3],
    ['EACH_QUORUM', 1, 2, 3],
    ['ALL', 1, 3, 5],
  ];
  for (const [level, ...needs] of table) {
    [1, 3, 5].forEach((rf, i) => {
      const need = needs[i]!;
      if (need > rf) return;
      it(`${level} at RF ${rf} responds after data plus ${need - 1} matching digests`, () => {
        const t = tracker(level, simple(rf));
        expect(t.blockFor).to.equal(need);
        t.data('a1', 'v');
        for (let k = 2; k <= need; k++) {
          expect(t.finalAction()).to.equal('pending');
          t.digest(`a${k}`, digest('v'));
        }
        expect(t.enough()).to.equal(true);
        expect(t.finalAction()).to.equal('respond');
        expect(t.result()).to.equal('v');
      });
    });
  }

  it('digests alone are never enough: a data answer must be among them', () => {
    const t = tracker('QUORUM', simple(3));
    t.digest('a2', digest('v'));
    t.digest('a3', digest('v'));
    expect(t.received()).to.equal(2);
    expect(t.dataPresent()).to.equal(false);
    expect(t.finalAction()).to.equal('pending');
  });
});

describe('ReadTracker decisions', () => {
  it('a mismatching digest asks its sender for full data, then repairs the stale replica', () => {
    const t = tracker('QUORUM', simple(3));
    t.data('a1', 'v1');
    t.digest('a2', digest('v2'));
    expect(t.finalAction()).to.deep.equal({ digestMismatch: ['a2'] });
    t.data('a2', 'v2');
    expect(t.finalAction()).to.deep.equal({ readRepair: { endpoints: ['a1'], merged: 'v2' } });
  });

  it('repairs every replica whose data differs from the merge, including both when each lacks something', () => {
    const both = new ReadTracker<string[]>({
      level: 'ALL',
      replication: simple(3),
      localDc: 'dc1',
      dcOf,
      merge: (x, y) => [...new Set([...x, ...y])].sort(),
      digest: (p) => Buffer.from(p.join(',')),
    });
    both.data('a1', ['x']);
    both.data('a2', ['y']);
    both.data('a3', ['x', 'y']);
    expect(both.finalAction()).to.deep.equal({ readRepair: { endpoints: ['a1', 'a2'], merged: ['x', 'y'] } });
  });

  it('equal full answers need no repair', () => {
    const t = tracker('QUORUM', simple(3));
    t.data('a1', 'v');
    t.data('a2', 'v');
    expect(t.finalAction()).to.equal('respond');
  });

  it('a late digest does not overwrite data already received from that replica', () => {
    const t = tracker('QUORUM', simple(3));
    t.data('a1', 'v');
    t.data('a2', 'w');
    t.digest('a2', digest('v'));
    expect(t.finalAction()).to.deep.equal({ readRepair: { endpoints: ['a1'], merged: 'w' } });
  });
});

describe('ReadTracker under NetworkTopologyStrategy {dc1: 3, dc2: 2}, coordinated from dc1', () => {
  it('LOCAL_QUORUM counts only dc1 responses, data included', () => {
    const t = tracker('LOCAL_QUORUM', nts);
    t.data('b1', 'v');
    t.digest('b2', digest('v'));
    t.digest('a1', digest('v'));
    expect(t.received()).to.equal(1);
    expect(t.finalAction()).to.equal('pending');
    t.data('a2', 'v');
    expect(t.finalAction()).to.equal('respond');
  });

  it('EACH_QUORUM needs two answers in each datacenter', () => {
    const t = tracker('EACH_QUORUM', nts);
    t.data('a1', 'v');
    t.digest('a2', digest('v'));
    t.digest('a3', digest('v'));
    t.digest('b1', digest('v'));
    expect(t.finalAction()).to.equal('pending');
    t.digest('b2', digest('v'));
    expect(t.finalAction()).to.equal('respond');
  });

  it('QUORUM needs three of the five replicas, from any datacenter', () => {
    const t = tracker('QUORUM', nts);
    expect(t.blockFor).to.equal(3);
    t.data('b1', 'v');
    t.digest('b2', digest('v'));
    expect(t.finalAction()).to.equal('pending');
    t.digest('a3', digest('x'));
    expect(t.finalAction()).to.deep.equal({ digestMismatch: ['a3'] });
  });
});

describe('ReadTracker with a digest that matches one of several answers', () => {
  it('knows a digest equal to a data answer without asking for it, and repairs it if stale', () => {
    const t = tracker('ALL', simple(3));
    t.data('a1', 'v1');
    t.data('a2', 'v2');
    t.digest('a3', digest('v1'));
    expect(t.finalAction()).to.deep.equal({ readRepair: { endpoints: ['a1', 'a3'], merged: 'v2' } });
  });
});
