import { expect } from 'chai';
import type { ConsistencyName } from '../../../grammar/ast.js';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { WriteTracker } from '../../../src/ring/write-core.js';

const simple = (rf: number): ReplicationOptions => ({ class: 'SimpleStrategy', factors: { replication_factor: rf } });
const nts: ReplicationOptions = { class: 'NetworkTopologyStrategy', factors: { dc1: 3, dc2: 2 } };
const dcOf = (e: string): string => (e.startsWith('a') ? 'dc1' : 'dc2');

function simpleTracker(level: ConsistencyName, rf: number): WriteTracker {
  const targets = Array.from({ length: rf }, (_, i) => `a${i + 1}`);
  return new WriteTracker({ level, replication: simple(rf), localDc: 'dc1', targets, dcOf });
}

function ntsTracker(level: ConsistencyName): WriteTracker {
  return new WriteTracker({ level, replication: nts, localDc: 'dc1', targets: ['a1', 'a2', 'a3', 'b1', 'b2'], dcOf });
}

describe('WriteTracker under SimpleStrategy', () => {
  // level, acks needed at RF 1, 3, 5 (undefined: more than the replicas, so failure from the start)
  const table: [ConsistencyName, number | undefined, number, number][] = [
    ['ANY', 1, 1, 1],
    ['ONE', 1, 1, 1],
    ['LOCAL_ONE', 1, 1, 1],
    ['TWO', undefined, 2, 2],
    ['THREE', undefined, 3, 3],
    ['QUORUM', 1, 2, 3],
    ['LOCAL_QUORUM', 1, 2, 3],
    ['EACH_QUORUM', 1, 2, 3],
    ['ALL', 1, 3, 5],
  ];
  for (const [level, ...needs] of table) {
    [1, 3, 5].forEach((rf, i) => {
      const need = needs[i];
      if (need === undefined) {
        it(`${level} at RF ${rf} can never succeed and says so before any ack`, () => {
          expect(simpleTracker(level, rf).outcome()).to.deep.equal({ failure: { received: 0, failures: 0 } });
        });
        return;
      }
      it(`${level} at RF ${rf} succeeds on exactly ${need} acks and times out with ${need - 1}`, () => {
        const t = simpleTracker(level, rf);
        for (let k = 1; k < need; k++) t.ack(`a${k}`);
        expect(t.outcome()).to.equal('pending');
        expect(t.received()).to.equal(need - 1);
        t.ack(`a${need}`);
        expect(t.outcome()).to.equal('success');

        const late = simpleTracker(level, rf);
        for (let k = 1; k < need; k++) late.ack(`a${k}`);
        late.timeout();
        expect(late.outcome()).to.deep.equal({ timeout: { received: need - 1 } });
      });
    });
  }

  it('counts an endpoint once, and ignores endpoints it did not write to', () => {
    const t = simpleTracker('QUORUM', 3);
    t.ack('a1');
    t.ack('a1');
    t.ack('z9');
    expect(t.received()).to.equal(1);
    expect(t.outcome()).to.equal('pending');
  });

  it('fails as soon as too many replicas failed for the level to be reached', () => {
    const t = simpleTracker('QUORUM', 3);
    t.ack('a1');
    t.fail('a2');
    expect(t.outcome()).to.equal('pending');
    t.fail('a3');
    expect(t.outcome()).to.deep.equal({ failure: { received: 1, failures: 2 } });
  });

  it('ANY succeeds on a stored hint alone', () => {
    const t = simpleTracker('ANY', 3);
    t.fail('a1');
    t.fail('a2');
    t.fail('a3');
    expect(t.outcome()).to.equal('pending');
    t.hintStored();
    expect(t.outcome()).to.equal('success');
  });

  it('ONE does not count a hint', () => {
    const t = simpleTracker('ONE', 3);
    t.hintStored();
    expect(t.outcome()).to.equal('pending');
  });
});

describe('WriteTracker under NetworkTopologyStrategy {dc1: 3, dc2: 2}, coordinated from dc1', () => {
  // level, acks in order, outcome after each ack
  const table: [ConsistencyName, string[], string[]][] = [
    ['ONE', ['b1'], ['success']],
    ['LOCAL_ONE', ['b1', 'a2'], ['pending', 'success']],
    ['TWO', ['b1', 'a1'], ['pending', 'success']],
    ['QUORUM', ['b1', 'b2', 'a3'], ['pending', 'pending', 'success']],
    ['LOCAL_QUORUM', ['b1', 'b2', 'a1', 'a3'], ['pending', 'pending', 'pending', 'success']],
    ['EACH_QUORUM', ['a1', 'a2', 'a3', 'b1', 'b2'], ['pending', 'pending', 'pending', 'pending', 'success']],
    ['EACH_QUORUM', ['b1', 'b2', 'a1', 'a2'], ['pending', 'pending', 'pending', 'success']],
    ['ALL', ['a1', 'a2', 'a3', 'b1', 'b2'], ['pending', 'pending', 'pending', 'pending', 'success']],
  ];
  for (const [level, acks, outcomes] of table) {
    it(`${level}: acks ${acks.join(', ')} give ${outcomes.join(', ')}`, () => {
      const t = ntsTracker(level);
      const seen = acks.map((e) => {
        t.ack(e);
        return t.outcome();
      });
      expect(seen).to.deep.equal(outcomes);
    });
  }

  it('LOCAL_QUORUM times out counting only local acks', () => {
    const t = ntsTracker('LOCAL_QUORUM');
    expect(t.blockFor).to.equal(2);
    t.ack('a1');
    t.ack('b1');
    t.ack('b2');
    t.timeout();
    expect(t.outcome()).to.deep.equal({ timeout: { received: 1 } });
  });

  it('LOCAL_QUORUM fails once two local replicas failed, whatever the remote ones do', () => {
    const t = ntsTracker('LOCAL_QUORUM');
    t.ack('b1');
    t.fail('a1');
    t.fail('a2');
    expect(t.outcome()).to.deep.equal({ failure: { received: 0, failures: 2 } });
  });

  it('EACH_QUORUM fails once one datacenter cannot reach its quorum', () => {
    const t = ntsTracker('EACH_QUORUM');
    expect(t.blockFor).to.equal(4);
    t.ack('a1');
    t.ack('a2');
    t.ack('a3');
    t.fail('b2');
    expect(t.outcome()).to.deep.equal({ failure: { received: 3, failures: 1 } });
  });
});
