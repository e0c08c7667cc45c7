import { expect } from 'chai';
import type { ConsistencyName } from '../../../grammar/ast.js';
import { aliveByDc, assureLiveReplicas, liveReplicasFor } from '../../../src/ring/consistency.js';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { UnavailableError } from '../../../src/util/errors.js';

const nts: ReplicationOptions = { class: 'NetworkTopologyStrategy', factors: { dc1: 3, dc2: 2 } };
const simple3: ReplicationOptions = { class: 'SimpleStrategy', factors: { replication_factor: 3 } };
const replicas = ['a1', 'a2', 'a3', 'b1', 'b2'];
const dcOf = (e: string): string => (e.startsWith('a') ? 'dc1' : 'dc2');
const downSet = (...down: string[]) => (e: string): boolean => !down.includes(e);

describe('live replicas per level', () => {
  const table: [ConsistencyName, string[], string[]][] = [
    // level, down replicas, replicas that count
    ['ONE', ['a1'], ['a2', 'a3', 'b1', 'b2']],
    ['QUORUM', ['b2'], ['a1', 'a2', 'a3', 'b1']],
    ['LOCAL_ONE', ['a1'], ['a2', 'a3']],
    ['LOCAL_QUORUM', ['a3', 'b1'], ['a1', 'a2']],
    ['EACH_QUORUM', ['a3', 'b1'], ['a1', 'a2', 'b2']],
  ];
  for (const [level, down, counted] of table) {
    it(`${level} with ${down.join(', ')} down counts ${counted.join(', ')}`, () => {
      expect(liveReplicasFor(level, replicas, downSet(...down), 'dc1', dcOf, nts)).to.deep.equal(counted);
    });
  }

  it('under SimpleStrategy LOCAL_* counts replicas of every datacenter', () => {
    expect(liveReplicasFor('LOCAL_QUORUM', replicas, downSet('a1'), 'dc1', dcOf, simple3)).to.have.length(4);
    expect(aliveByDc(replicas, downSet('a1'), dcOf, simple3, 'dc1')).to.deep.equal({ dc1: 4 });
  });

  it('counts live replicas per datacenter under NetworkTopologyStrategy', () => {
    expect(aliveByDc(replicas, downSet('a1', 'b2'), dcOf, nts, 'dc1')).to.deep.equal({ dc1: 2, dc2: 1 });
  });
});

describe('Unavailable from the live natural replicas', () => {
  const table: [ConsistencyName, string[], [number, number] | undefined][] = [
    // level, down replicas, [required, alive] of the Unavailable, or undefined when available
    ['LOCAL_QUORUM', ['b1', 'b2'], undefined],
    ['LOCAL_QUORUM', ['a1', 'a2'], [2, 1]],
    ['EACH_QUORUM', ['b1'], [2, 1]],
    ['EACH_QUORUM', ['a1'], undefined],
    ['QUORUM', ['a1', 'a2', 'a3'], [3, 2]],
    ['ALL', ['b2'], [5, 4]],
    ['ANY', ['a1', 'a2', 'a3', 'b1', 'b2'], undefined],
  ];
  for (const [level, down, expected] of table) {
    it(`${level} with ${down.join(', ')} down is ${expected ? `unavailable (${expected[0]} required, ${expected[1]} alive)` : 'available'}`, () => {
      const call = (): void => assureLiveReplicas(level, nts, 'dc1', replicas, downSet(...down), dcOf);
      if (!expected) {
        expect(call).not.to.throw();
        return;
      }
      try {
        call();
        expect.fail('expected Unavailable');
      } catch (err) {
        expect(err).to.be.instanceOf(UnavailableError);
        expect((err as UnavailableError).fields()).to.deep.equal({ consistency: level, required: expected[0], alive: expected[1] });
      }
    });
  }

  it('EACH_QUORUM under SimpleStrategy is one quorum over all replicas', () => {
    expect(() => assureLiveReplicas('EACH_QUORUM', simple3, 'dc1', ['a1', 'b1', 'b2'], downSet('a1'), dcOf)).not.to.throw();
  });
});
